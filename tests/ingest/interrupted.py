"""An ingest killed between two chunk commits, for the resume tests of both reading paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from unmask.ingest.pipeline import ingest_file
from unmask.store import Store


class Interrupt(Exception):
    """Stands for a kill between two chunk commits."""


def ingest_killed_in_third_batch(store: Store, path: Path, *, chunk_records: int) -> None:
    """Ingest `path` and die when the third batch of posts is staged (after two chunks at most)."""
    batches = 0

    def die(_: int) -> None:
        nonlocal batches
        batches += 1
        if batches == 3:
            raise Interrupt

    with pytest.raises(Interrupt):
        ingest_file(store, path, chunk_records=chunk_records, on_batch=die)
