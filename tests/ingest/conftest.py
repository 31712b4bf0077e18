"""Fixtures for reader-level tests: write a fixture file, read it through a layout, sort the records.

Helpers are fixtures (not imports) so test modules need no package of their own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from unmask.ingest.layout import Layout
from unmask.ingest.records import Account, Post, Record, Reject


@dataclass
class Read:
    """Everything one `layout.read` yielded, in order and split by kind."""

    records: list[Record]

    @property
    def posts(self) -> list[Post]:
        return [r for r in self.records if isinstance(r, Post)]

    @property
    def accounts(self) -> list[Account]:
        return [r for r in self.records if isinstance(r, Account)]

    @property
    def rejects(self) -> list[Reject]:
        return [r for r in self.records if isinstance(r, Reject)]

    def post(self, post_id: str) -> Post:
        (found,) = [p for p in self.posts if p.post_id == post_id]
        return found

    def account(self, account_id: str) -> Account:
        (found,) = [a for a in self.accounts if a.account_id == account_id]
        return found


@pytest.fixture
def read() -> Callable[[Layout, Path], Read]:
    """Run `layout.read(path)` to the end."""
    return lambda layout, path: Read(list(layout.read(path)))


@pytest.fixture
def csv_text() -> Callable[[Iterable[str], Iterable[Iterable[object]]], str]:
    """CSV as pandas/R write it: minimal quoting, "\\n" line ends."""

    def _csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    return _csv_text


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write text (UTF-8) or bytes to tmp_path/name and return the path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return _write
