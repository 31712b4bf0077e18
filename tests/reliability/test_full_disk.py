"""A full disk during `unmask ingest`: one clear error line, and a readable store that still holds
everything it held before (`unmask detect` on a full disk: test_crash_detect.py).

No root is needed: the child runs with a file-size limit (RLIMIT_FSIZE) and SIGXFSZ ignored, so a
write past the limit fails with EFBIG ("File too large") exactly where a full disk fails with ENOSPC.
"""

from __future__ import annotations

import resource
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from crash_support import (
    Contents,
    Run,
    assert_clean_failure,
    assert_partial_of,
    assert_same_contents,
    assert_succeeded,
    read_contents,
    run_cli,
)

LIMIT_BYTES = 64 * 1024  # far below what ingesting one file or storing one detection run writes


def file_size_limit(limit: int) -> Callable[[], None]:
    """A preexec_fn: writes past `limit` bytes fail with EFBIG instead of killing the child."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def ingest(db: Path, *paths: Path, limit: int | None = None) -> Run:
    args = ["ingest", *map(str, paths), "--db", str(db), "--quiet"]
    return run_cli(args, preexec_fn=file_size_limit(limit) if limit else None)


def assert_still_holds(after: Contents, before: Contents) -> None:
    """Every post, account and reject stored before the failure is still there, unchanged."""
    assert set(before.posts) <= set(after.posts)
    assert set(before.accounts) <= set(after.accounts)
    assert not before.rejects - after.rejects
    assert before.sources <= after.sources


@pytest.fixture
def first_and_second(inputs: list[Path]) -> tuple[Path, Path]:
    return inputs[0], inputs[2]  # two scenarios, both with rejects


def test_ingest_on_a_full_disk(tmp_path: Path, first_and_second: tuple[Path, Path]) -> None:
    first, second = first_and_second
    reference_db = tmp_path / "reference.duckdb"
    assert_succeeded(ingest(reference_db, first))
    assert_succeeded(ingest(reference_db, second))
    reference = read_contents(reference_db)

    db = tmp_path / "store.duckdb"
    assert_succeeded(ingest(db, first))
    before = read_contents(db)
    assert_clean_failure(ingest(db, second, limit=LIMIT_BYTES), "file too large")
    after = read_contents(db)
    assert_still_holds(after, before)
    assert_partial_of(after, reference)
    assert_succeeded(run_cli(["stats", "--db", str(db)]))  # opens for writing too

    assert_succeeded(ingest(db, second))  # space is back: the re-run completes the store
    assert_same_contents(read_contents(db), reference)
