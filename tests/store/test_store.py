"""The store opens, migrates from older versions, and fails clearly on bad files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from unmask.errors import StoreError
from unmask.store import open_store
from unmask.store.schema import MIGRATIONS, SCHEMA_VERSION


def test_new_store_is_at_current_version(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.duckdb") as store:
        assert store.version() == SCHEMA_VERSION
        tables = {
            r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert {"posts", "accounts", "rejects", "sources", "campaigns", "campaign_accounts"} <= tables


def test_store_written_by_version_1_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for statement in MIGRATIONS[0]:
        con.execute(statement)
    con.execute("INSERT INTO schema_version VALUES (1)")
    con.execute(
        "INSERT INTO posts (platform, post_id, account_id, created_at) "
        "VALUES ('x', '1', 'a', '2023-09-01 10:00')"
    )
    con.close()
    with pytest.raises(StoreError, match="schema version 1"):
        open_store(path, read_only=True)
    with open_store(path) as store:
        assert store.version() == SCHEMA_VERSION
        assert store.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 1
        assert store.con.execute("SELECT count(*) FROM campaigns").fetchone()[0] == 0


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with open_store(path) as store:
        store.con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION + 1])
    with pytest.raises(StoreError, match="newer than this unmask"):
        open_store(path)


def test_corrupted_file_gives_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=str(path)):
        open_store(path)


def test_missing_store_read_only(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        open_store(tmp_path / "absent.duckdb", read_only=True)
