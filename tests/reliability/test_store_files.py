"""Store files as a user meets them through the CLI: written by an older unmask (migrated on open),
newer than this unmask, or damaged in any of several ways: one clear error line, never a traceback,
whether the damage shows when the file is opened or only when a damaged block is read.

tests/store/test_store.py checks the same cases on `open_store`; these check what the user sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from crash_support import assert_clean_failure, assert_succeeded, run_cli

from unmask.store import open_store
from unmask.store.schema import MIGRATIONS, SCHEMA_VERSION

HEADERS = 3 * 4096  # DuckDB's file header and its two database headers precede block 0


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory, inputs: list[Path]) -> Path:
    """A small, checkpointed store holding one ingested file; tests copy it, never change it."""
    db = tmp_path_factory.mktemp("good") / "good.duckdb"
    assert_succeeded(run_cli(["ingest", str(inputs[2]), "--db", str(db), "--quiet"]))
    with duckdb.connect(str(db)) as con:
        con.execute("CHECKPOINT")
    return db


def _old_store(path: Path, version: int) -> None:
    """A store as unmask wrote it at schema `version`, holding one post."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for step in range(version):
            for statement in MIGRATIONS[step]:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?)", [step + 1])
        con.execute(
            "INSERT INTO posts (platform, post_id, account_id, created_at) "
            "VALUES ('x', '1', 'a', '2023-09-01 10:00')"
        )


@pytest.mark.parametrize("version", sorted({1, SCHEMA_VERSION - 1}))  # every migration; the latest one
def test_older_store_is_migrated_by_the_cli(tmp_path: Path, version: int) -> None:
    db = tmp_path / "old.duckdb"
    _old_store(db, version)
    # Read-only commands refuse it and say how to migrate it...
    refused = run_cli(["export", "csv", "--db", str(db), "--out", str(tmp_path)])
    assert_clean_failure(refused, f"schema version {version}", "migrate")
    # ...and the first command that opens it for writing migrates it, keeping its data.
    stats = run_cli(["stats", "--db", str(db), "--json"])
    assert_succeeded(stats)
    assert json.loads(stats.stdout)["posts"] == {"x": 1}
    with open_store(db, read_only=True):  # refuses any version but the current one
        pass


def test_newer_store_is_refused_by_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    _old_store(db, SCHEMA_VERSION)
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION + 1])
    assert_clean_failure(run_cli(["stats", "--db", str(db)]), "newer than this unmask")


def _flip(data: bytes, start: int, end: int) -> bytes:
    return data[:start] + bytes(b ^ 0xFF for b in data[start:end]) + data[end:]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda data: b"",
    "not a database": lambda data: b"posts,accounts\n" * 1000,
    "header zeroed": lambda data: bytes(4096) + data[4096:],
    "database header damaged": lambda data: _flip(data, 4096, 8192),
    "truncated to half": lambda data: data[: len(data) // 2],
    "three quarters damaged": lambda data: _flip(data, HEADERS, len(data) * 3 // 4),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_damaged_store_gives_one_clear_error(tmp_path: Path, good_store: Path, damage: str) -> None:
    db = tmp_path / "damaged.duckdb"
    db.write_bytes(DAMAGE[damage](good_store.read_bytes()))
    run = run_cli(["stats", "--db", str(db)])
    line = assert_clean_failure(run)
    assert str(db) in line or "corrupt" in line.lower(), line


def test_damaged_block_met_in_the_middle_of_a_command(tmp_path: Path, good_store: Path) -> None:
    """The store opens, and a damaged block of post texts is only read halfway through a command."""
    with duckdb.connect(str(good_store), read_only=True) as con:
        block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
        block, offset = con.execute(
            "SELECT block_id, block_offset FROM pragma_storage_info('posts') "
            "WHERE column_name = 'text' AND block_id >= 0 ORDER BY block_id LIMIT 1"
        ).fetchone()
    start = HEADERS + block * block_size + offset
    db = tmp_path / "damaged.duckdb"
    db.write_bytes(_flip(good_store.read_bytes(), start, start + 256))
    with duckdb.connect(str(db), read_only=True) as con:  # opens, and counts come from metadata
        assert con.execute("SELECT count(*) FROM posts").fetchone()[0] > 0
    # export-parquet reads every row of every canonical table, the damaged texts among them.
    run = run_cli(["export-parquet", "--db", str(db), "--out", str(tmp_path / "parquet")])
    assert_clean_failure(run, "corrupt database file")
