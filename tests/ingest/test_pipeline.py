"""Ingest into the store: one transaction per file, idempotent re-runs, the CLI's counts and exit codes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unmask.cli import app
from unmask.errors import StoreError
from unmask.ingest.native import NativeRead
from unmask.ingest.pipeline import ingest_paths
from unmask.ingest.qut_csv import QutCsvLayout
from unmask.ingest.writer import StagingWriter
from unmask.store import Store, open_store
from unmask.store.db import size_bytes

runner = CliRunner()

QUT_HEADER = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
QUT_ROWS = [
    "1,u1,alice,,,Hello Canada,1693526400,https://example.org/a\n",
    "2,u2,bob,1,,RT Hello Canada,1693526460,\n",
    "3,u1,alice,,2,@bob thanks,1693526520,https://example.org/a https://example.org/b\n",
]


def write_qut(path: Path, rows: list[str]) -> Path:
    path.write_text(QUT_HEADER + "".join(rows), encoding="utf-8")
    return path


def counts(store: Store) -> tuple[int, int, int]:
    con = store.con
    return tuple(
        con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("posts", "accounts", "rejects")
    )


def test_reingest_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = write_qut(tmp_path / "a.csv", [*QUT_ROWS, "4,u3,carol,,,bad time,yesterday,\n"])
    first = ingest_paths(store, [path])
    assert counts(store) == (3, 2, 1)
    assert first.posts_new == 3 and first.rejects == {"bad_timestamp": 1}
    again = ingest_paths(store, [path])
    assert again.files[0].skipped_as == str(path)
    assert counts(store) == (3, 2, 1)


def test_a_copy_under_another_name_is_skipped_and_leaves_no_scratch(store: Store, tmp_path: Path) -> None:
    """DuckDB reads a file not seen by path while it is hashed; a copy of stored content is then
    skipped all the same, its scratch tables dropped."""
    ingest_paths(store, [write_qut(tmp_path / "a.csv", QUT_ROWS)])
    again = ingest_paths(store, [write_qut(tmp_path / "copy.csv", QUT_ROWS)])
    assert again.files[0].skipped_as == str(tmp_path / "a.csv")
    assert counts(store) == (3, 2, 0)
    temporary = store.con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()
    assert temporary == (0,)


def test_a_path_ingested_before_with_new_content_is_read(store: Store, tmp_path: Path) -> None:
    path = write_qut(tmp_path / "a.csv", QUT_ROWS[:2])
    ingest_paths(store, [path])
    write_qut(path, QUT_ROWS)
    report = ingest_paths(store, [path])
    assert report.files[0].native and report.posts_new == 1
    assert counts(store) == (3, 2, 0)


def test_duckdb_gets_its_share_of_the_cap_while_chunks_are_written(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two chunks' Arrow tables live beside DuckDB while it writes them: its cap shrinks meanwhile."""
    seen = []
    add_chunks = StagingWriter.add_chunks

    def watched(writer: StagingWriter, *args, **kwargs) -> None:
        seen.append(writer.con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        add_chunks(writer, *args, **kwargs)

    monkeypatch.setattr(StagingWriter, "add_chunks", watched)
    report = ingest_paths(store, [write_qut(tmp_path / "a.csv", QUT_ROWS)], memory_limit="1000MB")
    assert report.files[0].native and report.posts_new == 3
    after = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert seen == ["572.0 MiB"] and after == "953.6 MiB"  # 60% of 10^9 bytes (in whole MiB), then all


@pytest.mark.parametrize(("repeat", "threshold"), [(False, "953.6 MiB"), (True, "16.0 MiB")])
def test_new_posts_commit_without_checkpoints_and_the_ingest_ends_with_one(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repeat: bool, threshold: str
) -> None:
    """Chunks of new posts commit without a checkpoint (their posts are on disk already, the log says
    where); chunks merged, here for a post id read twice, log their rows and keep the usual threshold.
    The ingest ends with one checkpoint and the usual threshold."""
    seen = []
    add_chunks = StagingWriter.add_chunks

    def watched(writer: StagingWriter, *args, **kwargs) -> None:
        seen.append(writer.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0])
        add_chunks(writer, *args, **kwargs)
        seen.append(Path(f"{store.path}.wal").stat().st_size)

    monkeypatch.setattr(StagingWriter, "add_chunks", watched)
    rows = [f"{i},u{i % 50},user{i % 50},,,post number {i},{1693526400 + i},\n" for i in range(30_000)]
    if repeat:
        rows.append(rows[0])
    ingest_paths(store, [write_qut(tmp_path / "a.csv", rows)], chunk_records=10_000)
    during, log = seen
    assert during == threshold and log > 0  # the last chunk's commit, not yet checkpointed
    assert not Path(f"{store.path}.wal").exists()
    assert counts(store) == (30_000, 50, 0)
    after = store.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]
    assert after == "16.0 MiB"


def test_a_failed_chunk_reports_its_own_error_and_the_cap_comes_back(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(writer: StagingWriter, *args, **kwargs) -> None:
        writer.con.execute("SELECT 'no number'::INTEGER")  # aborts the open transaction

    monkeypatch.setattr(StagingWriter, "_insert_new", failing)
    with pytest.raises(StoreError, match="Conversion Error"):
        ingest_paths(store, [write_qut(tmp_path / "a.csv", QUT_ROWS)], memory_limit="1000MB")
    assert store.con.execute("SELECT current_setting('memory_limit')").fetchone() == ("953.6 MiB",)
    assert counts(store) == (0, 0, 0)


def test_a_read_out_of_memory_goes_to_the_python_reader_and_the_user_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    native_read = QutCsvLayout.native

    def hungry(layout: QutCsvLayout, head: bytes, path: Path) -> NativeRead:
        # A whole-file check that holds a 2 GB list, which DuckDB cannot spill.
        greedy = "SELECT len(list(repeat('x', 100))) < 0 FROM range(20000000)"
        return dataclasses.replace(native_read(layout, head, path), file_unclean=greedy)

    monkeypatch.setattr(QutCsvLayout, "native", hungry)
    path = write_qut(tmp_path / "a.csv", QUT_ROWS)
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", "--db", str(db), "--quiet", "--memory-limit", "200MB", str(path)])
    assert result.exit_code == 0, result.output
    assert "ran out of memory" in result.output and "--memory-limit" in result.output
    with open_store(db) as store:
        assert counts(store) == (3, 2, 0)  # all read, by the Python reader


@pytest.mark.parametrize(
    ("size", "expected"),
    [("640MB", 640_000_000), ("1GiB", 2**30), (" 1.5 gb ", 1_500_000_000), ("2TB", 2e12)],
)
def test_sizes_read_as_duckdb_reads_them(size: str, expected: float) -> None:
    assert size_bytes(size) == expected


def test_same_posts_in_another_file_are_not_duplicated(store: Store, tmp_path: Path) -> None:
    ingest_paths(store, [write_qut(tmp_path / "a.csv", QUT_ROWS)])
    report = ingest_paths(
        store, [write_qut(tmp_path / "b.csv", [*QUT_ROWS[1:], "5,u4,dan,,,New post,1693526600,\n"])]
    )
    assert report.posts_read == 3 and report.posts_new == 1
    assert counts(store)[0] == 4


def test_timestamps_are_utc_and_accounts_get_first_and_last_seen(store: Store, tmp_path: Path) -> None:
    ingest_paths(store, [write_qut(tmp_path / "a.csv", QUT_ROWS)])
    first, last = store.con.execute(
        "SELECT first_seen, last_seen FROM accounts WHERE account_id = 'u1'"
    ).fetchone()
    assert first.isoformat() == "2023-09-01T00:00:00" and last.isoformat() == "2023-09-01T00:02:00"


def test_a_failed_file_leaves_nothing_behind(store: Store, tmp_path: Path) -> None:
    report = ingest_paths(store, [tmp_path / "missing.csv", write_qut(tmp_path / "a.csv", QUT_ROWS)])
    assert report.files[0].error and "missing.csv" in report.files[0].error
    assert counts(store)[0] == 3
    assert store.con.execute("SELECT count(*) FROM sources").fetchone()[0] == 1


def test_cli_reports_rejects_and_stats_json(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    path = write_qut(tmp_path / "a.csv", [*QUT_ROWS, "4,u3,carol,,,bad time,yesterday,\n"])
    result = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "bad_timestamp" in result.output
    stats = json.loads(runner.invoke(app, ["stats", "--db", str(db), "--json"]).stdout)
    assert stats == {"accounts": {"x": 2}, "posts": {"x": 3}, "rejects": {"bad_timestamp": 1}}


def test_cli_exits_non_zero_only_when_nothing_could_be_read(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not an export")
    assert runner.invoke(app, ["ingest", str(junk), "--db", str(db)]).exit_code == 1
    only_bad = write_qut(tmp_path / "bad.csv", ["9,u9,x,,,t,never,\n"])
    assert (
        runner.invoke(app, ["ingest", str(only_bad), "--db", str(db), "--format", "qut_csv"]).exit_code == 1
    )
    good = write_qut(tmp_path / "good.csv", QUT_ROWS)
    assert runner.invoke(app, ["ingest", str(junk), str(good), "--db", str(db)]).exit_code == 0
    with open_store(db) as store:
        assert counts(store)[0] == 3


def test_replies_get_their_parents_author_from_another_file(store: Store, tmp_path: Path) -> None:
    """The replies come first, the post they answer in a later file: the target is filled then."""
    replies = write_qut(tmp_path / "replies.csv", ["7,u5,eve,,1,@alice no,1693526700,\n"])
    ingest_paths(store, [replies])
    target = "SELECT reply_to_account_id FROM posts WHERE post_id = '7'"
    assert store.con.execute(target).fetchone() == (None,)
    report = ingest_paths(store, [write_qut(tmp_path / "a.csv", QUT_ROWS)])
    assert store.con.execute(target).fetchone() == ("u1",)
    assert report.reply_targets_filled == 2  # post 7, and post 3 answering post 2 of the same file
