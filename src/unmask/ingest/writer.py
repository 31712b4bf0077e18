"""Turning a stream of records into store rows, committed chunk by chunk.

Records are buffered into Arrow batches and appended to staging tables; every `chunk_records`
records (and at the end) the staging is merged into the canonical tables and the caller commits it
together with the file's progress row, so memory stays bounded by one chunk whatever the file size,
a killed ingest resumes after its last committed chunk, and re-ingesting a file adds nothing.
Posts seen in several records of one file (exports with one row per shared object) become one post
whose lists are the union of the records' lists, also when the records fall in different chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from unmask.ingest.records import Account, Post, Record, Reject, RejectReason
from unmask.store.db import update_by_rowid
from unmask.store.schema import ACCOUNT_COLUMNS, POST_COLUMNS, REJECT_COLUMNS
from unmask.text import fold_array

BATCH_SIZE = 50_000
CHUNK_RECORDS = 500_000  # records merged and committed together by the ingest pipeline

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "BIGINT": pa.int64(),
    "VARCHAR[]": pa.list_(pa.string()),
}

# A post read twice must agree on these to be merged (see _reject_conflicting_duplicates).
IDENTITY_FIELDS = (
    "account_id",
    "created_at",
    "text",
    "reply_to_post_id",
    "repost_of_post_id",
    "quote_of_post_id",
)

# Columns the writer derives rather than reads from records.
DERIVED_POST = {"text_norm", "lang_detected", "source_file"}
DERIVED_ACCOUNT = {"first_seen", "last_seen", "source_file"}


def _arrow_type(sql_type: str) -> pa.DataType:
    return _ARROW_TYPES[sql_type.replace(" NOT NULL", "")]


@dataclass
class FileCounts:
    """What one file contributed: records read, new rows, and rejects by reason."""

    records: int = 0
    posts_read: int = 0
    posts_new: int = 0
    accounts_new: int = 0
    rejects: dict[str, int] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return sum(self.rejects.values())


class StagingWriter:
    """Buffers records of one source file and merges them into the store chunk by chunk.

    The caller owns the transactions: one is open whenever records are added; `on_chunk` is called
    after each chunk's merge (the place to record progress and commit), and `finish` merges the rest.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source_file: str,
        *,
        on_batch: Callable[[int], None] | None = None,
        on_chunk: Callable[[FileCounts], None] | None = None,
        chunk_records: int = CHUNK_RECORDS,
        counts: FileCounts | None = None,
    ) -> None:
        self.con = con
        self.source_file = source_file
        self.on_batch = on_batch
        self.on_chunk = on_chunk
        self.chunk_records = chunk_records
        self.counts = counts or FileCounts()
        self._in_chunk = 0
        self._posts: list[Post] = []
        self._accounts: list[Account] = []
        self._rejects: list[Reject] = []
        for name in ("posts", "accounts"):
            con.execute(f"CREATE OR REPLACE TEMP TABLE _stage_{name} AS SELECT * FROM {name} LIMIT 0")

    def add(self, record: Record) -> None:
        self._add(record)
        self.counts.records += 1
        self._in_chunk += 1
        if self.on_chunk and self._in_chunk >= self.chunk_records:
            self._merge()
            self.on_chunk(self.counts)

    def _add(self, record: Record) -> None:
        if isinstance(record, Post):
            self._posts.append(record)
            if len(self._posts) >= BATCH_SIZE:
                self._flush_posts()
        elif isinstance(record, Account):
            self._accounts.append(record)
            if len(self._accounts) >= BATCH_SIZE:
                self._flush_accounts()
        else:
            self._rejects.append(record)
            reason = str(record.reason)
            self.counts.rejects[reason] = self.counts.rejects.get(reason, 0) + 1
            if len(self._rejects) >= BATCH_SIZE // 10:
                self._flush_rejects()

    # -- batches -----------------------------------------------------------------------------------

    @staticmethod
    def _columns(records: list[Post] | list[Account], columns: dict[str, str], derived: set[str]) -> pa.Table:
        return pa.table(
            {
                name: pa.array([getattr(r, name) for r in records], type=_arrow_type(sql_type))
                for name, sql_type in columns.items()
                if name not in derived
            }
        )

    def _flush_posts(self) -> None:
        if not self._posts:
            return
        self._stage_posts(self._columns(self._posts, POST_COLUMNS, DERIVED_POST))
        self._posts.clear()

    def _stage_posts(self, table: pa.Table) -> None:
        """Stage read post columns (all but the derived ones), adding the derived ones."""
        self._append("_stage_posts", self._derive_posts(table), POST_COLUMNS)

    def _derive_posts(self, table: pa.Table, folded: pa.Array | None = None) -> pa.Table:
        """Read post columns (all but the derived ones) with the derived ones added, as the store's rows;
        `folded` is the texts' fold when it was made beforehand."""
        table = table.append_column("text_norm", fold_array(table["text"]) if folded is None else folded)
        table = table.append_column("lang_detected", pa.nulls(len(table), pa.string()))
        table = table.append_column("source_file", self._source_files(len(table)))
        self.counts.posts_read += len(table)
        if self.on_batch:
            self.on_batch(len(table))
        return table.select(list(POST_COLUMNS))

    def _source_files(self, rows: int) -> pa.Array:
        """The source file's column for `rows` rows, made by Arrow (from a Python list of the same
        string, 0.05 s per 500k rows)."""
        return pa.repeat(pa.scalar(self.source_file, pa.string()), rows)

    def _flush_accounts(self) -> None:
        if not self._accounts:
            return
        self._stage_accounts(self._columns(self._accounts, ACCOUNT_COLUMNS, DERIVED_ACCOUNT))
        self._accounts.clear()

    def _stage_accounts(self, table: pa.Table) -> None:
        self._append("_stage_accounts", self._derive_accounts(table), ACCOUNT_COLUMNS)

    def _derive_accounts(self, table: pa.Table) -> pa.Table:
        """Read account columns with the derived ones added (first/last seen come from posts later)."""
        table = table.append_column("first_seen", pa.nulls(len(table), pa.timestamp("us")))
        table = table.append_column("last_seen", pa.nulls(len(table), pa.timestamp("us")))
        table = table.append_column("source_file", self._source_files(len(table)))
        return table.select(list(ACCOUNT_COLUMNS))

    def add_chunks(
        self,
        chunks: Iterable[tuple[pa.Table, pa.Table]],
        *,
        posts_new: bool = False,
        accounts_new: bool = False,
    ) -> None:
        """Write and hand to `on_chunk` each (posts, accounts) chunk read by DuckDB (ingest/native.py).

        Counted as the Python reader would count it: one record per post and per first-seen account.
        What the reader checked once for the file spares each chunk its checks: `posts_new`, that no
        post of the chunks is stored or read twice; `accounts_new`, that no account of them is stored
        (each post's author comes with its account, in its chunk or an earlier one).
        Each chunk's texts fold on another thread while the chunk before is written (Arrow's kernels and
        DuckDB both release the GIL), which holds two chunks at once.
        """
        ahead: tuple[pa.Table, pa.Table, Future[pa.Array]] | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fold-ahead") as pool:
            for posts, accounts in chunks:
                posts = posts.cast(self._schema(POST_COLUMNS, DERIVED_POST))
                folding = pool.submit(fold_array, posts["text"])
                if ahead:
                    self._write_chunk(*ahead, posts_new=posts_new, accounts_new=accounts_new)
                ahead = (posts, accounts, folding)
            if ahead:
                self._write_chunk(*ahead, posts_new=posts_new, accounts_new=accounts_new)

    def _write_chunk(
        self,
        posts: pa.Table,
        accounts: pa.Table,
        folding: Future[pa.Array],
        *,
        posts_new: bool,
        accounts_new: bool,
    ) -> None:
        rows = self._derive_posts(posts, folding.result())
        accounts = self._derive_accounts(accounts.cast(self._schema(ACCOUNT_COLUMNS, DERIVED_ACCOUNT)))
        self.counts.records += len(posts) + len(accounts)
        self.con.register("_chunk_posts", rows)
        self.con.register("_chunk_accounts", accounts)
        try:
            if not posts_new and repeats_a_key(self.con, "_chunk_posts"):
                self._append("_stage_posts", rows, POST_COLUMNS)
                self._append("_stage_accounts", accounts, ACCOUNT_COLUMNS)
                self._merge()
            else:
                self._insert_new(rows, accounts, accounts_new=accounts_new)
        finally:
            self.con.unregister("_chunk_posts")
            self.con.unregister("_chunk_accounts")
        if self.on_chunk:
            self.on_chunk(self.counts)

    def _insert_new(self, rows: pa.Table, accounts: pa.Table, *, accounts_new: bool) -> None:
        """A chunk of new, distinct posts goes straight into `posts`, with no staging table to fill and
        read back (1.4 s instead of 2.3 s per 1M posts); its accounts too when they are all new, else
        they merge as usual."""
        self.con.execute("INSERT INTO posts SELECT * FROM _chunk_posts")
        self.counts.posts_new += len(rows)
        if accounts_new:
            self.con.execute("INSERT INTO accounts SELECT * FROM _chunk_accounts")
            self.counts.accounts_new += len(accounts)
            return
        self._append("_stage_accounts", accounts, ACCOUNT_COLUMNS)
        self._merge_staged_accounts("_chunk_posts")

    @staticmethod
    def _schema(columns: dict[str, str], derived: set[str]) -> pa.Schema:
        return pa.schema([(n, _arrow_type(t)) for n, t in columns.items() if n not in derived])

    def _flush_rejects(self) -> None:
        if not self._rejects:
            return
        table = pa.table(
            {
                "source_file": self._source_files(len(self._rejects)),
                "record_no": pa.array([r.record_no for r in self._rejects], pa.int64()),
                "field": pa.array([r.field for r in self._rejects], pa.string()),
                "reason": pa.array([f"{r.reason}" for r in self._rejects], pa.string()),
                "raw": pa.array([r.raw for r in self._rejects], pa.string()),
                "detail": pa.array([r.detail for r in self._rejects], pa.string()),
            }
        )
        self._append("rejects", table, REJECT_COLUMNS)
        self._rejects.clear()

    def _append(self, target: str, table: pa.Table, columns: dict[str, str]) -> None:
        table = table.select(list(columns))
        self.con.register("_batch", table)
        try:
            self.con.execute(f"INSERT INTO {target} SELECT * FROM _batch")
        finally:
            self.con.unregister("_batch")

    # -- merge -------------------------------------------------------------------------------------

    def finish(self) -> FileCounts:
        """Merge what is buffered; the caller then records the file as done and commits."""
        self._merge()
        self._extend_seen_spans()
        for name in ("_stage_posts", "_stage_accounts", "_stage_dups", "_stage_conflicts", "_stage_stored"):
            self.con.execute(f"DROP TABLE IF EXISTS {name}")
        return self.counts

    def _merge(self) -> None:
        """Move the staged chunk into posts, accounts and rejects, and empty the staging tables."""
        self._flush_posts()
        self._flush_accounts()
        self._flush_rejects()
        before_posts = _count(self.con, "posts")
        self._merge_posts()
        self.counts.posts_new += _count(self.con, "posts") - before_posts
        self._merge_staged_accounts("_stage_posts")
        self.con.execute("DELETE FROM _stage_posts")
        self._in_chunk = 0

    def _merge_staged_accounts(self, posts: str) -> None:
        """Merge the staged accounts (and bare rows for the authors of `posts` the store lacks), count
        the new ones, and empty the staging table."""
        before_accounts = _count(self.con, "accounts")
        self._merge_accounts(posts)
        self.counts.accounts_new += _count(self.con, "accounts") - before_accounts
        self.con.execute("DELETE FROM _stage_accounts")

    def _merge_posts(self) -> None:
        con = self.con
        # The staged keys already stored, found by probing the store with the chunk rather than
        # hashing the whole store for each chunk: usually none, and the merge's later steps then
        # have nothing to do.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _stage_stored AS SELECT platform, post_id, source_file = ? AS ours "
            "FROM posts SEMI JOIN _stage_posts USING (platform, post_id)",
            [self.source_file],
        )
        stored, ours = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE ours) FROM _stage_stored"
        ).fetchone()
        # Rows this file stored in an earlier chunk under a key staged again: the merge continues them.
        earlier = (
            "SEMI JOIN (SELECT platform, post_id FROM _stage_stored WHERE ours) USING (platform, post_id) "
            "WHERE p.source_file = ?"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _stage_earlier AS SELECT p.* FROM posts p "
            + (earlier if ours else "WHERE false"),
            [self.source_file] if ours else [],
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _stage_dups AS SELECT platform, post_id FROM ("
            "SELECT platform, post_id FROM _stage_posts "
            "UNION ALL SELECT platform, post_id FROM _stage_earlier"
            ") GROUP BY platform, post_id HAVING count(*) > 1"
        )
        dups = _count(con, "_stage_dups")
        cols = ", ".join(POST_COLUMNS)
        con.execute(
            f"INSERT INTO posts SELECT {cols} FROM _stage_posts s"
            + (" ANTI JOIN _stage_stored USING (platform, post_id)" if stored else "")
            + (" ANTI JOIN _stage_dups USING (platform, post_id)" if dups else "")
        )
        if dups:
            self._merge_duplicates(ours)
        con.execute("DROP TABLE _stage_earlier")

    def _merge_duplicates(self, ours: int) -> None:
        """Posts read in several records of this file: one new row each, or an earlier chunk's row updated."""
        con = self.con
        self._reject_conflicting_duplicates()
        merged = ", ".join(_merge_expression(c, t, ("platform", "post_id")) for c, t in POST_COLUMNS.items())
        con.execute(
            f"INSERT INTO posts SELECT {merged} FROM _stage_posts s SEMI JOIN _stage_dups d "
            "USING (platform, post_id) ANTI JOIN _stage_stored USING (platform, post_id) "
            "GROUP BY s.platform, s.post_id"
        )
        if not ours:
            return
        updates = ", ".join(
            f"{c} = {_ordered_union(f'[posts.{c}, m.{c}]')}"
            if t.startswith("VARCHAR[]")
            else f"{c} = coalesce(posts.{c}, m.{c})"
            for c, t in POST_COLUMNS.items()
            if c not in ("platform", "post_id", "source_file", "source_record")
        )
        con.execute(
            f"UPDATE posts SET {updates} FROM (SELECT {merged} FROM _stage_posts s "
            "SEMI JOIN _stage_earlier e USING (platform, post_id) GROUP BY s.platform, s.post_id) m "
            "WHERE posts.platform = m.platform AND posts.post_id = m.post_id AND posts.source_file = ?",
            [self.source_file],
        )

    def _reject_conflicting_duplicates(self) -> None:
        """Records repeating a post id with different identity fields go to rejects, not into a merge.

        Several records of one post are merged only when they agree on who posted what, when, and in
        answer to what; otherwise the later records would silently lose their values. The first record
        of a post is the one an earlier chunk stored, if any, else the chunk's first.
        """
        con = self.con
        differs = " WHEN ".join(f"s.{c} IS DISTINCT FROM f.{c} THEN '{c}'" for c in IDENTITY_FIELDS)
        any_differs = " OR ".join(f"s.{c} IS DISTINCT FROM f.{c}" for c in IDENTITY_FIELDS)
        identity = ", ".join(("platform", "post_id", "source_record", *IDENTITY_FIELDS))
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _stage_conflicts AS
            WITH dup AS (
                SELECT s.rowid AS seq, s AS rec, s.* FROM _stage_posts s
                SEMI JOIN _stage_dups d USING (platform, post_id)
            ), first AS (
                SELECT -1 AS seq, {identity} FROM _stage_earlier
                UNION ALL
                SELECT seq, {identity} FROM dup ANTI JOIN _stage_earlier USING (platform, post_id)
                QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY seq) = 1
            )
            SELECT s.seq, s.source_record, s.post_id, f.source_record AS first_record,
                   CASE WHEN {differs} END AS field, to_json(s.rec)::VARCHAR AS raw
            FROM dup s JOIN first f USING (platform, post_id)
            WHERE s.seq <> f.seq AND ({any_differs})"""
        )
        conflicts = con.execute("SELECT count(*) FROM _stage_conflicts").fetchone()[0]
        if not conflicts:
            return
        con.execute(
            "INSERT INTO rejects SELECT ?, source_record, field, ?, raw, 'post ' || post_id "
            "|| ' already read at record ' || first_record || ' with a different ' || field "
            "FROM _stage_conflicts",
            [self.source_file, str(RejectReason.CONFLICTING_DUPLICATE)],
        )
        con.execute("DELETE FROM _stage_posts WHERE rowid IN (SELECT seq FROM _stage_conflicts)")
        reason = str(RejectReason.CONFLICTING_DUPLICATE)
        self.counts.rejects[reason] = self.counts.rejects.get(reason, 0) + conflicts

    def _extend_seen_spans(self) -> None:
        """Stretch each author's first_seen/last_seen over the posts this file stored, once per file.

        Done per chunk, it rewrote nearly every account (each chunk names most active authors) and
        made the chunk commits grow with the store; from the stored posts it also covers the chunks a
        resumed ingest committed in an earlier run.
        """
        update_by_rowid(
            self.con,
            "accounts",
            """WITH span AS (
                SELECT platform, account_id, min(created_at) AS first, max(created_at) AS last
                FROM posts WHERE source_file = ? GROUP BY platform, account_id
            )
            SELECT a.rowid AS row_id, least(a.first_seen, span.first) AS first_seen,
                   greatest(a.last_seen, span.last) AS last_seen
            FROM accounts a JOIN span USING (platform, account_id)
            WHERE a.first_seen IS DISTINCT FROM least(a.first_seen, span.first)
               OR a.last_seen IS DISTINCT FROM greatest(a.last_seen, span.last)""",
            "first_seen = m.first_seen, last_seen = m.last_seen",
            [self.source_file],
        )

    def _merge_accounts(self, posts: str) -> None:
        """Upsert the staged accounts, and a bare row for each author of `posts` the store lacks."""
        con = self.con
        merged = ", ".join(
            _merge_expression(c, t, ("platform", "account_id"))
            for c, t in ACCOUNT_COLUMNS.items()
            if c not in ("first_seen", "last_seen")
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _stage_acc AS
            WITH named AS (
                SELECT {merged} FROM _stage_accounts s GROUP BY s.platform, s.account_id
            ), seen AS (  -- authors the store has no row for yet
                SELECT platform, account_id, min(source_record) AS source_record
                FROM {posts} ANTI JOIN accounts USING (platform, account_id)
                GROUP BY platform, account_id
            )
            SELECT platform, account_id, n.handle, n.display_name, n.created_at, n.declared_lang,
                   n.followers, n.following, n.bio, n.location, n.profile_url,
                   NULL::TIMESTAMP AS first_seen, NULL::TIMESTAMP AS last_seen, ? AS source_file,
                   coalesce(n.source_record, seen.source_record) AS source_record
            FROM named n FULL OUTER JOIN seen USING (platform, account_id)""",
            [self.source_file],
        )
        keep = {"platform", "account_id", "source_file", "source_record", "first_seen", "last_seen"}
        updates = []
        for col in ACCOUNT_COLUMNS:
            if col not in keep:  # a later file updates the profile; a later chunk of the same file does not
                updates.append(
                    f"{col} = CASE WHEN accounts.source_file = excluded.source_file "
                    f"THEN coalesce(accounts.{col}, excluded.{col}) "
                    f"ELSE coalesce(excluded.{col}, accounts.{col}) END"
                )
        con.execute(
            f"INSERT INTO accounts SELECT {', '.join(ACCOUNT_COLUMNS)} FROM _stage_acc "
            f"ON CONFLICT (platform, account_id) DO UPDATE SET {', '.join(updates)}"
        )
        con.execute("DROP TABLE _stage_acc")


def repeats_a_key(con: duckdb.DuckDBPyConnection, posts: str) -> bool:
    """Whether a post of `posts` (a relation of platform, post_id) is already stored or in it twice.

    Repeats are looked for among the keys' 64-bit hashes first, which distinct hashes rule out: grouping
    10M keys themselves spilled (1.9 s against 1.1 s); a repeated hash is then settled on the keys.
    """
    (stored,) = con.execute(
        f"SELECT EXISTS (SELECT 1 FROM posts SEMI JOIN {posts} USING (platform, post_id))"
    ).fetchone()
    if stored:
        return True
    (hash_repeats,) = con.execute(
        f"SELECT count(DISTINCT hash(platform, post_id)) < count(*) FROM {posts}"
    ).fetchone()
    if not hash_repeats:
        return False
    (repeats,) = con.execute(
        f"SELECT EXISTS (SELECT 1 FROM {posts} GROUP BY platform, post_id HAVING count(*) > 1)"
    ).fetchone()
    return bool(repeats)


def _merge_expression(column: str, sql_type: str, keys: tuple[str, ...]) -> str:
    """Aggregate for records of one key: keys as-is, lists united, others the first non-null value."""
    if column in keys:
        return f"s.{column} AS {column}"
    if sql_type.startswith("VARCHAR[]"):
        return f"{_ordered_union(f'list(s.{column} ORDER BY s.source_record)')} AS {column}"
    if column == "source_record":
        return "min(s.source_record) AS source_record"
    return f"first(s.{column} ORDER BY s.source_record) FILTER (WHERE s.{column} IS NOT NULL) AS {column}"


def _ordered_union(lists: str) -> str:
    """SQL: the items of a list of lists, each once, in the order first seen (list_distinct reorders)."""
    return f"list_filter(flatten({lists}), (x, i) -> list_position(flatten({lists}), x) = i)"


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0
