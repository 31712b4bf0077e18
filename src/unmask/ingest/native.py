"""The fast path: DuckDB's own CSV reader for clean files, with the Python reader as the reference.

A layout may describe how DuckDB reads its files (`NativeRead`). The pipeline then loads the file
into a scratch table in one streaming statement and checks it: when any row is one the Python
reader would reject or read differently (a parse error, a blank required field, a timestamp that is
not whole seconds, a line break inside a cell, blank lines, a NUL byte), the scratch table is
dropped and the file goes through the Python reader instead. So the fast path never changes what is
stored, only how fast (tests/ingest/test_native.py compares both paths on generated files).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from unmask.ingest.file_scan import FileScan
from unmask.ingest.parsing import COMPRESSED, EARLIEST, LATEST
from unmask.ingest.writer import DERIVED_ACCOUNT, DERIVED_POST, FileCounts, StagingWriter, repeats_a_key
from unmask.store.db import setting_while
from unmask.store.schema import ACCOUNT_COLUMNS, POST_COLUMNS

# Temporary tables (they spill to disk under the memory cap), dropped per file: the file's rows as read,
# numbered by `SCRATCH`, a view; and each account's first row.
LOADED = "_ingest_lines"
SCRATCH = "_ingest_rows"
FIRST_SEEN = "_ingest_accounts"

# Python's str.isspace() characters, for blank tests and strip() as the Python readers do them.
_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\p{Z}]"
_EMPTY = "''"


def _printable(char: str) -> str:
    """SQL: the character is printable ASCII, so no space. Tested before a regular expression over
    _SPACE, it spares most cells the expression: stripping two id columns took 0.39 s per 1M rows
    with the expression alone, 0.20 s behind this test."""
    return f"(ord({char}) BETWEEN 33 AND 126)"


def py_blank(expr: str) -> str:
    """SQL: the cell is what `text_or_none` maps to None (absent, or only whitespace)."""
    return f"({expr} IS NULL OR (NOT {_printable(expr)} AND regexp_full_match({expr}, '{_SPACE}*')))"


def py_text(expr: str) -> str:
    """SQL: `text_or_none` of a cell: None when blank, else the cell unchanged."""
    return f"CASE WHEN {py_blank(expr)} THEN NULL ELSE {expr} END"


def py_strip(expr: str) -> str:
    """SQL: Python's `str.strip()` of a cell."""
    strip = f"regexp_replace({expr}, '^{_SPACE}+|{_SPACE}+$', '', 'g')"
    return f"CASE WHEN {_printable(expr)} AND {_printable(f'({expr})[-1]')} THEN {expr} ELSE {strip} END"


def py_split(expr: str, sep: str) -> str:
    """SQL: `split_cell` — items of a separated cell, each stripped, blanks dropped."""
    items = f"list_transform(string_split({expr}, '{sep}'), x -> {py_strip('x')})"
    # Most cells are empty: naming that case spares them the list functions (0.15 s to 0.06 s per 1M).
    return (
        f"CASE WHEN coalesce({expr}, '') = '' THEN []::VARCHAR[] ELSE list_filter({items}, x -> x <> '') END"
    )


def _no_items(expr: str) -> str:
    """SQL: an empty list cell as most are written, blank or "[]", which spares it the list functions
    (the three list columns of 1M IO-archive rows checked in 0.28 s instead of 0.47, read in 0.29 s
    instead of 0.46)."""
    return f"(coalesce({expr}, '') = '' OR {expr} = '[]')"


def py_list_cell(expr: str) -> str:
    """SQL: `parse_list_cell` of a cell that `py_list_cell_unclean` accepts.

    A cell of one plain item ("[123]", most mention and hashtag cells) is read by one regular
    expression rather than the list functions, whose lambdas are a call per item.
    """
    body = py_strip(f"coalesce({expr}, '')")
    edge = r"[!#-&(-+\--~]"  # printable ASCII but for the comma and quotes
    one_item = f"""regexp_full_match({expr}, '\\[{edge}(?:[^,''"]*{edge})?\\]')"""
    unquote = """CASE WHEN len(x) >= 2 AND x[1] IN ('''', '"') AND x[1] = x[-1] THEN x[2:-2] ELSE x END"""
    items = f"list_transform(string_split({body}[2:-2], ','), x -> {py_strip('x')})"
    return (
        f"CASE WHEN {_no_items(expr)} OR {body} = '' THEN []::VARCHAR[] "
        f"WHEN {one_item} THEN [({expr})[2:-2]] "
        f"WHEN NOT (starts_with({body}, '[') AND ends_with({body}, ']')) THEN [{body}] "
        f"ELSE list_filter(list_transform({items}, x -> {unquote}), x -> x <> '') END"
    )


def py_list_cell_unclean(expr: str) -> str:
    """SQL: a list cell whose items hold escapes, inner quotes or quoted commas (Python parses those).

    One expression over the cell: its items, separated by commas, each plain or quoted whole (spaces
    around); splitting the cell and matching each item took twice as long.
    """
    body = py_strip(f"coalesce({expr}, {_EMPTY})")
    plain = r"""[^''"\\,]"""
    item = f"""(?:{plain}*|{_SPACE}*''{plain}+''{_SPACE}*|{_SPACE}*"{plain}+"{_SPACE}*)"""
    listed = (
        f"starts_with({body}, '[') AND ends_with({body}, ']') "
        f"AND NOT regexp_full_match({body}, '\\[{item}(?:,{item})*\\]')"
    )
    return f"CASE WHEN {_no_items(expr)} THEN false ELSE {listed} END"


def py_count(expr: str) -> str:
    """SQL: `parse_count` of a cell that `py_count_unclean` accepts ("12", "12.0", blank)."""
    return f"CASE WHEN coalesce({expr}, '') = '' THEN NULL ELSE split_part({expr}, '.', 1)::BIGINT END"


def py_count_unclean(expr: str) -> str:
    return rf"NOT regexp_full_match(coalesce({expr}, ''), '|[0-9]{{1,18}}(\.0*)?')"


def py_when(expr: str) -> str:
    """SQL: an ISO date or "date hh:mm[:ss]" cell as a timestamp; NULL when it is anything else."""
    shape = "'[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?'"
    return f"CASE WHEN regexp_full_match({expr}, {shape}) THEN TRY_CAST({expr} AS TIMESTAMP) END"


def py_when_unclean(expr: str, *, optional: bool) -> str:
    """SQL: a timestamp cell the fast path does not read (blank counts only when required)."""
    when = py_when(expr)
    bad = f"NOT coalesce({when} >= '{EARLIEST}' AND {when} < '{LATEST}', false)"
    return f"(coalesce({expr}, '') <> '' AND {bad})" if optional else bad


@dataclass(frozen=True)
class NativeRead:
    """How DuckDB reads one file of a layout into canonical rows.

    `rows` is a SELECT over the file, a row per physical line in the file's order; `unclean` a
    condition on such a row that sends the file to the Python reader, and `file_unclean` a query of one
    value that does so for the whole file (kept out of the read: a subquery in it is a join, which would
    cost the read its order, see `load`). SCRATCH holds the rows with a `rec` column, the row's line as
    the Python reader numbers it; `posts` SELECTs the canonical post columns (minus the writer's derived
    ones) from SCRATCH, `accounts` the account columns of each account's first row (whose line is its
    `source_record`), as the Python reader yields an account the first time it meets it.
    A row may hold several posts (a JSON page): `posts_per_row` counts them, and a chunk holds rows of
    about `chunk` in `row_size` (a row's posts unless given). A chunk's posts come in SCRATCH's order,
    which `posts` keeps as the Python reader's (the writer keeps the first of conflicting duplicates).
    """

    rows: str
    unclean: str
    posts: str
    accounts: str
    first_line: int  # `rec` of the first data row (2 after a header row)
    file_unclean: str = "SELECT false"
    # Rows as large as JSON pages are numbered as they stream (see `load`): the parallel order-keeping
    # insert holds a row group of them (122,880 pages) in memory, and 10M posts' pages ran out of 640MB.
    wide_rows: bool = False
    posts_per_row: str = "1"  # SQL over a SCRATCH row
    row_size: str | None = None  # SQL over a SCRATCH row


class OutOfMemory(Exception):
    """DuckDB's read of a file ran out of its memory cap: the Python reader reads the file instead,
    many times slower, so the user is told (a larger cap keeps the fast path)."""


def native_capable(path: Path) -> bool:
    """Plain files only: compressed ones stream through the Python reader."""
    return path.suffix.lower() not in COMPRESSED


def select(columns: dict[str, str], given: dict[str, str], derived: set[str], tail: str) -> str:
    """SQL selecting `given` expressions as the store's columns, in order; the others NULL or empty."""
    return f"SELECT {select_list(columns, given, derived)} FROM {SCRATCH} {tail}"


def select_list(columns: dict[str, str], given: dict[str, str], derived: set[str]) -> str:
    """The select list of `select`."""

    def expression(name: str, sql_type: str) -> str:
        if name in given:
            return f"{given[name]} AS {name}"
        base = sql_type.replace(" NOT NULL", "")
        return f"{'[]' if base.endswith('[]') else 'NULL'}::{base} AS {name}"

    return ", ".join(expression(n, t) for n, t in columns.items() if n not in derived)


def select_posts(given: dict[str, str]) -> str:
    return select(POST_COLUMNS, given, DERIVED_POST, "")


def select_accounts(given: dict[str, str], *, first_by: str) -> str:
    """Account columns of each account's first row, as the Python readers yield them."""
    tail = f"WHERE rec IN (SELECT min(rec) FROM {SCRATCH} GROUP BY {first_by})"  # spills, unlike a window
    return select(ACCOUNT_COLUMNS, given, DERIVED_ACCOUNT, tail)


def csv_rows(path: Path, columns: Sequence[str], *, header: bool) -> str:
    """SQL reading a comma-separated file as the Python `csv` module does, all cells as text."""
    literal = str(path).replace("'", "''")
    names = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
    return (
        f"SELECT * FROM read_csv('{literal}', "
        f"header={str(header).lower()}, columns={{{names}}}, auto_detect=false, all_varchar=true, "
        "delim=',', quote='\"', escape='\"', strict_mode=true, null_padding=false, encoding='utf-8')"
    )


def load(con: duckdb.DuckDBPyConnection, plan: NativeRead, scan: Future[FileScan]) -> int | None:
    """Load the file into SCRATCH and return its row count, or None (scratch dropped) when the Python
    reader must read it. `scan` is the file's line shape, counted on another thread meanwhile.

    Rows are numbered by their rowid: DuckDB's order-preserving insert gives rowids in the order of a
    read that only projects and filters (its documented use of rowid), and `first_line` blank rows
    first make a row's rowid its line. Numbering with `row_number() OVER ()` would run the whole read on
    one thread (1.0 s against 0.5 s for 1M CSV rows), so it is kept for a read whose plan holds anything
    else, such as the join DuckDB makes of an `IN (...)` list, after which rowids follow the join's order
    (every row of a 1M-row file out of place), and for `wide_rows`.
    """
    con.execute("SET enable_progress_bar = false")
    # The check is a column computed while reading: testing it afterwards re-read every cell (5 s at 10M).
    checked = f"SELECT *, {plan.unclean} AS _unclean FROM ({plan.rows})"
    try:
        with setting_while(con, "preserve_insertion_order", "true", after="false"):
            if not plan.wide_rows and keeps_order(con, checked):
                con.execute(f"CREATE OR REPLACE TEMP TABLE {LOADED} AS {checked} LIMIT 0")
                for _ in range(plan.first_line):
                    con.execute(f"INSERT INTO {LOADED} DEFAULT VALUES")
                con.execute(f"INSERT INTO {LOADED} {checked}")
                rec = "rowid"
            else:
                numbered = f"SELECT row_number() OVER () + {plan.first_line - 1} AS rec, * FROM ({plan.rows})"
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {LOADED} AS SELECT *, {plan.unclean} AS _unclean "
                    f"FROM ({numbered})"
                )
                rec = "rec"
            (file_unclean,) = con.execute(plan.file_unclean).fetchone()
    except duckdb.OutOfMemoryException as exc:
        drop(con)
        raise OutOfMemory(str(exc).splitlines()[0]) from exc
    except duckdb.Error:  # a row DuckDB cannot parse: the Python reader names it in `rejects`
        drop(con)
        return None
    try:
        shape = scan.result()
    except OSError:
        drop(con)
        raise
    loaded = "_unclean" if rec == "rowid" else "_unclean, rec"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {SCRATCH} AS SELECT {rec} AS rec, * EXCLUDE ({loaded}), _unclean "
        f"FROM {LOADED} WHERE {rec} >= {plan.first_line}"
    )
    rows, unclean, last_rec = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE _unclean), max(rec) FROM {SCRATCH}"
    ).fetchone()
    data_lines = shape.newlines + (0 if shape.ends_with_break else 1) - (plan.first_line - 1)
    bad = unclean or file_unclean or shape.lone_cr or shape.nul
    if bad or rows != data_lines or (rows and last_rec != plan.first_line + rows - 1):
        drop(con)
        return None
    con.execute(f"CREATE OR REPLACE TEMP TABLE {FIRST_SEEN} AS {plan.accounts}")
    return int(rows)


# Operators through which an order-preserving insert keeps the order the file was read in.
_ORDER_KEEPING = {"PROJECTION", "FILTER", "READ_CSV", "READ_JSON", "UNNEST"}


def keeps_order(con: duckdb.DuckDBPyConnection, query: str) -> bool:
    """Whether the physical plan of `query` only reads, projects and filters (no join, window or sort)."""
    (row,) = con.execute(f"EXPLAIN (FORMAT json) {query}").fetchall()

    def operators(node: dict) -> Iterator[str]:
        yield node["name"].strip()
        for child in node.get("children", []):
            yield from operators(child)

    return all(name in _ORDER_KEEPING for top in json.loads(row[1]) for name in operators(top))


def feed(
    con: duckdb.DuckDBPyConnection,
    plan: NativeRead,
    writer: StagingWriter,
    *,
    done: FileCounts,
    chunk: int,
    while_writing: AbstractContextManager[object] | None = None,
) -> None:
    """Hand the loaded rows to the writer chunk by chunk, after what a killed run committed (`done`),
    inside `while_writing` (the caller's setting for that stretch, such as a lower memory cap).

    Whether any post to come is stored already or read twice, and whether any account to come is
    stored, is asked once for the file: asked for each chunk, it read every stored key again (3.6 s of
    10M QUT posts, growing with the store).
    """
    todo = windows(con, plan, done=done, chunk=chunk)
    if not todo:
        return
    after = f"WHERE source_record >= {todo[0][0]}"
    posts_new = not repeats_a_key(con, f"(SELECT platform, post_id FROM ({plan.posts}) {after})")
    (accounts_stored,) = con.execute(
        f"SELECT EXISTS (SELECT 1 FROM {FIRST_SEEN} SEMI JOIN accounts USING (platform, account_id) {after})"
    ).fetchone()
    # New posts written straight into `posts` are on disk at their chunk's commit, the log holding
    # where (74 MB for 10M QUT posts): it may grow to 1GB, sparing each commit a checkpoint (0.2 s, about
    # 2 s of 10M posts). Merged chunks log their rows and keep the usual threshold: under 1GB, 10M
    # X API v2 posts peaked at 1.90 GB against 1.72 GB.
    long_log = setting_while(con, "checkpoint_threshold", "1GB") if posts_new else nullcontext()
    with while_writing or nullcontext(), long_log:
        writer.add_chunks(_chunks(con, plan, todo), posts_new=posts_new, accounts_new=not accounts_stored)


def _chunks(
    con: duckdb.DuckDBPyConnection, plan: NativeRead, todo: list[tuple[int, int]]
) -> Iterator[tuple[pa.Table, pa.Table]]:
    """(posts, first-seen accounts) of each chunk of rows, (first, last) `rec` in `todo`."""
    window = "WHERE source_record BETWEEN ? AND ?"
    for lo, hi in todo:
        with setting_while(con, "preserve_insertion_order", "true", after="false"):
            posts = con.execute(f"SELECT * FROM ({plan.posts}) {window}", [lo, hi]).fetch_arrow_table()
        yield posts, con.execute(f"SELECT * FROM {FIRST_SEEN} {window}", [lo, hi]).fetch_arrow_table()


def windows(
    con: duckdb.DuckDBPyConnection, plan: NativeRead, *, done: FileCounts, chunk: int
) -> list[tuple[int, int]]:
    """(first, last) `rec` of each chunk: runs of whole rows of about `chunk` in size, from the first row
    with records beyond `done.records` (a chunk commits its posts and first-seen accounts, one record each).
    """
    if plan.posts_per_row == "1" and plan.row_size is None:  # a CSV row: one post, chunks of `chunk` rows
        (last,) = con.execute(f"SELECT max(rec) FROM {SCRATCH}").fetchone()
        first = plan.first_line + done.posts_read  # the committed chunks' rows, one post each
        return [(lo, min(lo + chunk - 1, last)) for lo in range(first, (last or 0) + 1, chunk)]
    return con.execute(
        f"""WITH per_row AS (
            SELECT rec, {plan.posts_per_row} AS posts, {plan.row_size or plan.posts_per_row} AS size
            FROM {SCRATCH}
        ), accounts AS (
            SELECT source_record AS rec, count(*) AS accounts FROM {FIRST_SEEN} GROUP BY source_record
        ), todo AS (
            SELECT rec, size FROM (
                SELECT rec, size, sum(posts + coalesce(accounts, 0)) OVER (ORDER BY rec) AS through
                FROM per_row LEFT JOIN accounts USING (rec)
            ) WHERE through > ?
        )
        SELECT min(rec), max(rec) FROM (
            SELECT rec, (sum(size) OVER (ORDER BY rec) - size) // ? AS chunk FROM todo
        ) GROUP BY chunk ORDER BY chunk""",
        [done.records, chunk],
    ).fetchall()


def drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP VIEW IF EXISTS {SCRATCH}")
    con.execute(f"DROP TABLE IF EXISTS {LOADED}")
    con.execute(f"DROP TABLE IF EXISTS {FIRST_SEEN}")
