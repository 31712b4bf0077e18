"""The contract between the ingest pipeline and one export layout (one module per layout)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from unmask.ingest.records import Record


class Layout(Protocol):
    """One platform export layout.

    `sniff` decides from the first bytes of a file (up to 64 KiB) and its path whether this layout
    reads it; `read` streams the whole file as records and must never raise on bad content: every
    unusable record becomes a Reject naming its line/record and field.
    """

    name: str  # the value of `--format`
    platform: str  # canonical platform name written into rows (x, facebook, youtube, ...)

    def sniff(self, head: bytes, path: Path) -> bool: ...

    def read(self, path: Path) -> Iterator[Record]: ...
