"""Ingesting files into the store: layout resolution, the sources ledger, commits chunk by chunk.

A file is committed in chunks of records, each with a progress row naming how many records are in;
the `sources` row replaces the progress row in the last chunk's transaction. A killed ingest thus
leaves whole chunks behind, and the next run of the same file skips the records already committed
(readers are deterministic, so record k is the same record every time) and carries on.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from unmask.errors import InputError, StoreError, UnmaskError
from unmask.ingest import native
from unmask.ingest.file_scan import FileScan, scan_file
from unmask.ingest.layout import Layout
from unmask.ingest.parsing import read_head
from unmask.ingest.registry import resolve_layout
from unmask.ingest.writer import CHUNK_RECORDS, FileCounts, StagingWriter
from unmask.store import Store
from unmask.store.db import rollback, set_memory_limit, setting_while, size_bytes, update_by_rowid

# DuckDB's cap while ingesting: chunks and the scratch table of the fast path spill to disk beyond it,
# which keeps the whole process under 2 GB at any file size (bench/RESULTS.md). DuckDB's read of 10M
# posts' twarc2 pages needs it: with 640MB it ran out of memory and the file went to the Python reader.
INGEST_MEMORY_LIMIT = "768MB"
# DuckDB's share of that cap while the chunks of a file it read are written: two chunks' Arrow tables
# and their folding then live beside it (10M IO-archive posts peaked at 1.99 GB with a whole 640MB cap,
# 1.80 GB with 70 % of it, in the same time).
CHUNK_SHARE = 0.6


@dataclass
class FileResult:
    """The outcome for one input path: counts, or why it was skipped or failed."""

    path: Path
    format: str | None = None
    counts: FileCounts | None = None
    skipped_as: str | None = None  # path under which identical content was ingested before
    native: bool = False  # read by DuckDB's reader (ingest/native.py) rather than the Python one
    error: str | None = None
    note: str | None = None  # what the user should know of a file that was read all the same


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    reply_targets_filled: int = 0  # replies given their parent's author from the store

    @property
    def posts_read(self) -> int:
        return sum(f.counts.posts_read for f in self.files if f.counts)

    @property
    def posts_new(self) -> int:
        return sum(f.counts.posts_new for f in self.files if f.counts)

    @property
    def rejects(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for f in self.files:
            for reason, n in (f.counts.rejects if f.counts else {}).items():
                total[reason] = total.get(reason, 0) + n
        return total

    @property
    def anything_read(self) -> bool:
        """True when at least one file was read (or was already in the store): the CLI's success test."""
        return any(f.skipped_as or (f.counts and f.counts.records > f.counts.rejected) for f in self.files)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory stands for the files directly inside it, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")))
        else:
            files.append(path)
    return files


def ingest_file(
    store: Store,
    path: Path,
    *,
    format: str | None = None,
    mapping: str | Path | None = None,
    on_batch: Callable[[int], None] | None = None,
    chunk_records: int = CHUNK_RECORDS,
    use_native: bool = True,
    memory_limit: str | None = None,
) -> FileResult:
    """Ingest one file, committed chunk by chunk; identical content ingested before is skipped.

    With `use_native`, a layout that has a DuckDB reading (`native`) reads a clean plain file that
    way (see ingest/native.py); `use_native=False` forces the Python reader (tests compare both).
    `memory_limit` is DuckDB's cap, set by the caller; DuckDB gets its CHUNK_SHARE of it while it
    hands chunks over.
    """
    result = FileResult(path=path)
    con = store.con
    loaded: tuple[native.NativeRead | None, int | None] | None = None  # (plan, rows) once tried
    try:
        layout = resolve_layout(path, format, mapping)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scan") as pool:
            scan = pool.submit(scan_file, path)
            # DuckDB reads the file while it is hashed, unless this path was ingested before: the
            # likely outcome is then a skip, which the digest alone decides.
            if use_native and not _ingested_before(con, path):
                loaded = _load(con, layout, path, scan, result)
            digest = scan.result().sha256
    except OSError as exc:
        result.error = f"{path}: cannot read: {exc.strerror or exc}"
        return result
    except UnmaskError as exc:
        result.error = str(exc)
        return result
    result.format = layout.name
    previous = con.execute("SELECT path FROM sources WHERE sha256 = ?", [digest]).fetchone()
    if previous:
        native.drop(con)
        result.skipped_as = previous[0]
        return result
    done = _progress(con, digest)
    if loaded is None and use_native:
        loaded = _load(con, layout, path, scan, result)
    plan, rows = loaded or (None, None)
    con.execute("BEGIN TRANSACTION")
    try:
        # The reader's records are numbered in the order it yields them: a resumed run skips the
        # first `records` of them, which an earlier run committed.
        def commit_chunk(counts: FileCounts) -> None:
            _save_progress(con, digest, path, layout.name, counts)
            con.execute("COMMIT")
            con.execute("BEGIN TRANSACTION")

        writer = StagingWriter(
            con,
            str(path),
            on_batch=on_batch,
            on_chunk=commit_chunk,
            chunk_records=chunk_records,
            counts=done,
        )
        if plan and rows is not None:  # a resumed native ingest skips the records committed before
            writing = _chunk_share(con, memory_limit)
            native.feed(con, plan, writer, done=done, chunk=chunk_records, while_writing=writing)
            native.drop(con)
            result.native = True
        else:
            for record in itertools.islice(layout.read(path), done.records, None):
                writer.add(record)
        counts = writer.finish()
        con.execute("DELETE FROM ingest_progress WHERE sha256 = ?", [digest])
        con.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                str(path),
                digest,
                layout.name,
                path.stat().st_size,
                counts.records,
                counts.posts_new,
                counts.accounts_new,
                counts.rejected,
                _now(),
            ],
        )
        con.execute("COMMIT")
    except InputError as exc:
        rollback(con)
        result.error = str(exc)
        return result
    except duckdb.Error as exc:
        rollback(con)
        raise StoreError(
            f"{store.path}: ingest of {path} failed; its last chunk was rolled back "
            f"and a re-run resumes after the committed ones: {exc}"
        ) from exc
    except BaseException:
        rollback(con)
        raise
    result.counts = counts
    return result


def _chunk_share(con: duckdb.DuckDBPyConnection, memory_limit: str | None) -> AbstractContextManager[object]:
    """DuckDB's cap lowered to its CHUNK_SHARE of `memory_limit` (when given) for the duration."""
    if not memory_limit:
        return nullcontext()
    share = f"{size_bytes(memory_limit) * CHUNK_SHARE / 2**20:.0f}MiB"
    return setting_while(con, "memory_limit", share, after=memory_limit.strip())


def _load(
    con: duckdb.DuckDBPyConnection, layout: Layout, path: Path, scan: Future[FileScan], result: FileResult
) -> tuple[native.NativeRead | None, int | None]:
    """(plan, rows) of DuckDB's read of the file (ingest/native.py); no plan when the layout has none.
    A read that ran out of memory leaves the file to the Python reader, noted on `result`."""
    if not (hasattr(layout, "native") and native.native_capable(path)):
        return None, None
    plan = layout.native(read_head(path), path)
    if not plan:
        return None, None
    try:
        return plan, native.load(con, plan, scan)
    except native.OutOfMemory as exc:
        result.note = (
            f"{path}: DuckDB's reader ran out of memory ({exc}); read by the Python reader instead, "
            "which is slower: a larger --memory-limit keeps DuckDB's reader"
        )
        return plan, None


def _ingested_before(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    row = con.execute("SELECT count(*) FROM sources WHERE path = ?", [str(path)]).fetchone()
    return bool(row and row[0])


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _progress(con: duckdb.DuckDBPyConnection, digest: str) -> FileCounts:
    """What earlier, interrupted runs committed of this content (zero counts when nothing)."""
    row = con.execute(
        "SELECT records_done, posts_read, posts_new, accounts_new, rejects FROM ingest_progress "
        "WHERE sha256 = ?",
        [digest],
    ).fetchone()
    if row is None:
        return FileCounts()
    return FileCounts(
        records=row[0], posts_read=row[1], posts_new=row[2], accounts_new=row[3], rejects=json.loads(row[4])
    )


def _save_progress(
    con: duckdb.DuckDBPyConnection, digest: str, path: Path, layout: str, counts: FileCounts
) -> None:
    con.execute(
        "INSERT OR REPLACE INTO ingest_progress VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            digest,
            str(path),
            layout,
            counts.records,
            counts.posts_read,
            counts.posts_new,
            counts.accounts_new,
            json.dumps(counts.rejects),
            _now(),
        ],
    )


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    format: str | None = None,
    mapping: str | Path | None = None,
    on_file: Callable[[Path], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
    memory_limit: str | None = INGEST_MEMORY_LIMIT,
    chunk_records: int = CHUNK_RECORDS,
) -> IngestReport:
    """Ingest every path (directories expanded); one failing file never stops the others.

    Insertion order is not preserved (rows carry their source file and record number instead), which
    lets DuckDB stream and spill the large staging merges.
    """
    store.con.execute("SET preserve_insertion_order = false")
    if memory_limit:
        set_memory_limit(store.con, memory_limit)
    report = IngestReport()
    # Each chunk's insert leaves a part-filled row group or two (one per thread); a checkpoint would
    # merge them by rewriting the chunks after them, 0.85 s of every 1M posts. Only the ingest writes
    # posts, so its row groups stay as written (detection reads them as fast, bench/RESULTS.md).
    no_vacuum = setting_while(store.con, "max_vacuum_tasks", "0")
    # FSST, DuckDB's string compression that texts would take, is a quarter of the insert (1.04 s
    # against 1.41 s per 1M posts); the store is a quarter larger without it (142 MB against 114 MB),
    # and detection as fast (bench/RESULTS.md).
    no_fsst = setting_while(store.con, "disabled_compression_methods", "fsst")
    with no_vacuum, no_fsst:
        for path in expand_paths(Path(p) for p in paths):
            if on_file:
                on_file(path)
            result = ingest_file(
                store,
                path,
                format=format,
                mapping=mapping,
                on_batch=on_batch,
                chunk_records=chunk_records,
                memory_limit=memory_limit,
            )
            report.files.append(result)
        # Every run, not only one that added posts: a run killed before this step left it to the next.
        report.reply_targets_filled = fill_reply_targets(store.con)
        store.con.execute("CHECKPOINT")  # what the files' commits left in the log (native.feed)
    return report


def fill_reply_targets(con: duckdb.DuckDBPyConnection) -> int:
    """Give replies whose export named only the parent post the parent's author, from the store.

    A comment file often names the post it answers but not who wrote that post (Reddit dumps, Meta
    Content Library comments, QUT CSV); when the post is in the store, from any file ingested before or
    after, its author is the reply's target, so co-reply sees the comment as a reply to that person.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        filled = update_by_rowid(
            con,
            "posts",
            # One plain join (a post is stored once per platform and id): a CTE read twice is held
            # in memory whole, which ran out of a 512MB cap at 10M posts.
            """SELECT reply.rowid AS row_id, parent.account_id FROM posts reply JOIN posts parent
                ON parent.platform = reply.platform AND parent.post_id = reply.reply_to_post_id
            WHERE reply.reply_to_account_id IS NULL AND reply.reply_to_post_id IS NOT NULL""",
            "reply_to_account_id = m.account_id",
        )
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    return filled
