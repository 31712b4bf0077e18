"""DuckDB's reader (ingest/native.py) stores exactly what the Python reader stores, or steps aside.

Generated files mix what trips CSV readers up: quotes, commas, Unicode spaces, blank cells, CRLF, a
byte-order mark, a missing final newline, headerless files. Each is ingested both ways and the
stores compared column by column; files the fast path declines must still match (through the
Python reader), and the plain ones must really take the fast path.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from unmask.ingest.native import (
    NativeRead,
    keeps_order,
    py_blank,
    py_list_cell,
    py_list_cell_unclean,
    py_split,
    py_strip,
    py_text,
)
from unmask.ingest.parsing import parse_list_cell, read_head, split_cell
from unmask.ingest.pipeline import ingest_file
from unmask.ingest.qut_csv import COLUMNS, QutCsvLayout
from unmask.ingest.registry import resolve_layout
from unmask.store import Store, open_store
from unmask.synth.generate import generate

tricky_text = st.lists(
    st.sampled_from([*"ab ,\"'é🙂\u00a0\u2003\t#@:/.", "http://x.org/a", "\n", "\0"]), max_size=12
).map("".join)
ids = st.sampled_from(["1", "2", "3", " 4", "5 ", "10", "11"])
qut_row = st.tuples(
    ids,  # message_id (repeats: merged or conflicting duplicates)
    st.sampled_from(["u1", "u2", " u3", "u4\u2003"]),  # user_id
    st.sampled_from(["alice", "", " ", "bob\u00a0"]),  # username
    st.sampled_from(["", "1", " 2 "]),  # repost_id
    st.sampled_from(["", "3"]),  # reply_id
    tricky_text,  # message
    st.sampled_from(
        ["1693526400", "1693526460", "0"] * 4 + ["1693526400.5", "x", "4102444800", "99999999999"]
    ),  # timestamp
    st.sampled_from(["", "http://a.org", "http://a.org  http://b.org ", "\thttp://c.org"]),  # urls
)


def qut_file(path: Path, rows: list[tuple], *, header: bool, crlf: bool, bom: bool, last_break: bool) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(rows)
    text = out.getvalue()
    if not last_break:
        text = text.rstrip("\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def everything(store: Store) -> dict[str, list[tuple]]:
    con = store.con
    return {
        table: con.execute(f"SELECT * EXCLUDE (source_file) FROM {table} ORDER BY ALL").fetchall()
        for table in ("posts", "accounts", "rejects")
    }


def both_ways(tmp_path: Path, path: Path, chunk: int = 4) -> tuple[dict, dict, bool]:
    stores = {}
    took_native = False
    for way in ("native", "python"):
        db = tmp_path / f"{way}.duckdb"
        db.unlink(missing_ok=True)
        store = open_store(db)
        result = ingest_file(store, path, use_native=way == "native", chunk_records=chunk)
        if way == "native":
            took_native = result.native
        stores[way] = everything(store)
        store.close()
    return stores["native"], stores["python"], took_native


def over_cells(cells: list[str], *expressions: str) -> list[tuple]:
    """Each SQL expression (over a cell `x`) of each cell, in order."""
    con = duckdb.connect()
    con.execute("CREATE TABLE c (i INTEGER, x VARCHAR)")
    con.executemany("INSERT INTO c VALUES (?, ?)", list(enumerate(cells)))
    return con.execute(f"SELECT {', '.join(expressions)} FROM c ORDER BY i").fetchall()


# Python's whitespace (str.isspace) and its neighbours: the ASCII edges (! and ~), a combining mark, an
# astral character, and format characters that are not spaces (zero-width space and joiner, BOM).
cell_text = st.text(
    alphabet=st.sampled_from(
        [
            *"\t\n\x0b\x0c\r\x1c\x1f !~\x7f\x80\x85\xa0a1é\u0301\u1680\u2000\u200a",
            *"\u200b\u200d\u2028\u2029\u202f\u205f\u3000\ufeff🙂",
        ]
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(cell_text, min_size=1, max_size=20))
def test_sql_strip_blank_and_split_mirror_python(cells: list[str]) -> None:
    got = over_cells(cells, py_strip("x"), py_blank("x"), py_text("x"), py_split("x", " "))
    assert got == [(x.strip(), not x.strip(), x if x.strip() else None, split_cell(x, " ")) for x in cells]


list_cell = st.lists(st.sampled_from([*"[],'\"\\ a\u00a0\t", "[]", "['a', 'b']", '["x"]']), max_size=10).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(list_cell, min_size=1, max_size=20))
def test_sql_list_cells_read_as_python_reads_the_ones_they_accept(cells: list[str]) -> None:
    got = over_cells(cells, py_list_cell_unclean("x"), py_list_cell("x"))
    for cell, (unclean, items) in zip(cells, got, strict=True):
        event(f"left to Python: {unclean}")
        if not unclean:
            assert items == parse_list_cell(cell), cell


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(qut_row, min_size=1, max_size=8),
    header=st.booleans(),
    crlf=st.booleans(),
    bom=st.booleans(),
    last_break=st.booleans(),
)
def test_qut_fast_path_stores_what_the_python_reader_stores(
    tmp_path: Path, rows: list[tuple], header: bool, crlf: bool, bom: bool, last_break: bool
) -> None:
    path = qut_file(tmp_path / "q.csv", rows, header=header, crlf=crlf, bom=bom, last_break=last_break)
    native, python, took_native = both_ways(tmp_path, path)
    event(f"fast path: {took_native}")
    assert native == python


def test_a_plain_file_takes_the_fast_path(tmp_path: Path) -> None:
    rows = [
        ("1", "u1", "alice", "", "", 'Hello, "Canada"', "1693526400", "http://a.org http://b.org"),
        ("2", "u2", "bob", "1", "", "RT Hello\u00a0Canada 🙂", "1693526460", ""),
        ("3", "u1", "alice", "", "2", "  ", "1693526520", ""),
    ]
    path = qut_file(tmp_path / "q.csv", rows, header=True, crlf=False, bom=False, last_break=True)
    native, python, took_native = both_ways(tmp_path, path)
    assert took_native and native == python
    assert len(native["posts"]) == 3 and len(native["accounts"]) == 2 and native["rejects"] == []


def test_a_file_with_a_bad_row_goes_through_the_python_reader(tmp_path: Path) -> None:
    rows = [
        ("1", "u1", "alice", "", "", "fine", "1693526400", ""),
        ("2", "", "x", "", "", "no user", "1", ""),
    ]
    path = qut_file(tmp_path / "q.csv", rows, header=True, crlf=False, bom=False, last_break=True)
    native, python, took_native = both_ways(tmp_path, path)
    assert not took_native and native == python
    assert [r[:3] for r in native["rejects"]] == [(3, "user_id", "missing_field")]


IO_COLUMNS = (
    "tweetid",
    "userid",
    "user_display_name",
    "user_screen_name",
    "follower_count",
    "account_creation_date",
    "tweet_text",
    "tweet_time",
    "in_reply_to_tweetid",
    "is_retweet",
    "retweet_tweetid",
    "like_count",
    "hashtags",
    "urls",
)
io_row = st.tuples(
    ids,
    st.sampled_from(["u1", "u2", " u3"]),
    tricky_text.filter(lambda t: "\n" not in t),  # user_display_name
    st.sampled_from(["alice", "", "bob"]),
    st.sampled_from(["", "12", "12.0"] * 3 + ["3.5", " 4"]),  # follower_count
    st.sampled_from(["2014-07-07", "", "2014-07-07 10:00"] * 3 + ["1388534400", "1960-01-01"]),
    tricky_text,  # tweet_text
    st.sampled_from(
        ["2022-01-02 14:14"] * 4 + ["2022-01-02T14:14:00Z", "2022-13-02 14:14", "9999-01-01 00:00"]
    ),
    st.sampled_from(["", "7"]),
    st.sampled_from(["False", "True", "", "true", "f"] * 3 + ["maybe"]),
    st.sampled_from(["", "9"]),
    st.sampled_from(["0", "0.0", ""] * 3 + ["-1"]),
    st.sampled_from(
        ["[]", "[summer]", "['a', 'b']", '["x", "y"]', "[a, , b]", "", "solo"] * 2 + ["['a, b']"]
    ),
    st.sampled_from(["[]", "[http://a.org]", "['http://a.org', 'http://b.org']"] * 3 + ["[x\\y]"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(io_row, min_size=1, max_size=8), drop=st.sampled_from([None, "like_count", "is_retweet"])
)
def test_io_archive_fast_path_stores_what_the_python_reader_stores(
    tmp_path: Path, rows: list[tuple], drop: str | None
) -> None:
    keep = [i for i, c in enumerate(IO_COLUMNS) if c != drop]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([IO_COLUMNS[i] for i in keep])
    writer.writerows([[row[i] for i in keep] for row in rows])
    path = tmp_path / "io.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    native, python, took_native = both_ways(tmp_path, path)
    event(f"fast path: {took_native}")
    assert native == python


def test_the_generated_csv_layouts_take_the_fast_path(tmp_path: Path) -> None:
    """What `unmask synth` writes (real-shaped IO-archive and QUT files) is read by DuckDB, identically."""
    generate(tmp_path / "sample", posts=3000, seed=3)
    for name in ("io_archive.csv", "qut.csv"):
        native, python, took_native = both_ways(tmp_path, tmp_path / "sample" / name, chunk=1000)
        assert took_native, f"{name} should be clean enough for DuckDB's reader"
        assert native == python
        assert len(native["posts"]) > 2000 and native["rejects"] == []


def big_qut_file(path: Path, lines: int) -> Path:
    """A QUT file whose every post id is its line, from 997 accounts."""
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(COLUMNS) + "\n")
        out.writelines(
            f"{line},u{line % 997},,,,post {line % 7},{1693526400 + line},\n" for line in range(2, lines + 2)
        )
    return path


def assert_every_line_kept(store: Store) -> None:
    misplaced = store.con.execute(
        "SELECT count(*) FROM posts WHERE post_id <> source_record::VARCHAR"
    ).fetchone()
    assert misplaced == (0,)
    first_rows = store.con.execute(
        """SELECT count(*) FROM accounts a JOIN (
               SELECT account_id, min(source_record) AS line, min(created_at) AS first,
                      max(created_at) AS last
               FROM posts GROUP BY account_id) p USING (account_id)
           WHERE a.source_record = p.line AND a.first_seen = p.first AND a.last_seen = p.last"""
    ).fetchone()
    assert first_rows == (997,), "each account from its first line, seen from its first to its last post"


def test_a_file_read_on_every_thread_keeps_its_line_numbers(tmp_path: Path) -> None:
    """`source_record` is the row's line in a file DuckDB reads on several threads (row groups of 122,880
    rows), numbered by rowid, and hands over in several chunks."""
    path = big_qut_file(tmp_path / "big.csv", 400_000)
    store = open_store(tmp_path / "s.duckdb")
    result = ingest_file(store, path, chunk_records=150_000)
    assert result.native and result.counts.posts_new == 400_000
    assert_every_line_kept(store)


def test_a_read_with_a_join_numbers_its_rows_before_the_join(tmp_path: Path, monkeypatch) -> None:
    """An `IN (...)` list in the check is a join in DuckDB's plan, after which rowids follow the join's
    order, not the file's (every row of the 1M-row IO-archive bench file was misplaced so): such a read
    numbers rows with `row_number()` under the join, and keeps every line."""
    listed = ", ".join(f"'v{i}'" for i in range(20))
    plain = QutCsvLayout.native

    def with_a_join(self: QutCsvLayout, head: bytes, path: Path) -> NativeRead:
        plan = plain(self, head, path)
        return dataclasses.replace(plan, unclean=f"({plan.unclean}) OR username IN ({listed})")

    monkeypatch.setattr(QutCsvLayout, "native", with_a_join)
    path = big_qut_file(tmp_path / "big.csv", 300_000)
    store = open_store(tmp_path / "s.duckdb")
    plan = QutCsvLayout().native(read_head(path), path)
    assert not keeps_order(store.con, f"SELECT *, {plan.unclean} FROM ({plan.rows})")
    result = ingest_file(store, path, chunk_records=100_000)
    assert result.native and result.counts.posts_new == 300_000
    assert_every_line_kept(store)


def test_the_generated_files_are_read_in_order_on_every_thread(tmp_path: Path) -> None:
    """The reads of the CSV files `unmask synth` writes only read, project and filter, so their rows are
    numbered by rowid (the fast numbering) and not by `row_number()`, which runs the read on one thread;
    twarc2 pages are wide rows, numbered as they stream."""
    generate(tmp_path / "sample", posts=2000, seed=5)
    con = duckdb.connect()
    for name in ("io_archive.csv", "qut.csv", "x_api_v2.jsonl"):
        path = tmp_path / "sample" / name
        plan = resolve_layout(path, None, None).native(read_head(path), path)
        in_order = keeps_order(con, f"SELECT *, {plan.unclean} AS _unclean FROM ({plan.rows})")
        assert (in_order and not plan.wide_rows) == name.endswith(".csv"), name
    assert not keeps_order(con, "SELECT x IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11) FROM range(10) t(x)")
