"""Turning a stream of records into store rows, one file per transaction.

Records are buffered into Arrow batches and appended to staging tables; `finish` then merges staging
into the canonical tables inside the same transaction as the `sources` ledger row, so a file is
either wholly in the store or not at all (a killed ingest re-runs cleanly), and re-ingesting a file
adds nothing. Posts seen in several records of one file (exports with one row per shared object)
become one post whose lists are the union of the records' lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from unmask.ingest.records import Account, Post, Record, Reject, RejectReason
from unmask.store.schema import ACCOUNT_COLUMNS, POST_COLUMNS, REJECT_COLUMNS
from unmask.text import fold_array

BATCH_SIZE = 50_000

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
_DERIVED_POST = {"text_norm", "lang_detected", "source_file"}
_DERIVED_ACCOUNT = {"first_seen", "last_seen", "source_file"}


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
    """Buffers records of one source file and merges them into the store on `finish`.

    The caller owns the transaction: open it before the first `add`, commit after `finish`.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source_file: str,
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.con = con
        self.source_file = source_file
        self.on_batch = on_batch
        self.counts = FileCounts()
        self._posts: list[Post] = []
        self._accounts: list[Account] = []
        self._rejects: list[Reject] = []
        for name in ("posts", "accounts"):
            con.execute(f"CREATE OR REPLACE TEMP TABLE _stage_{name} AS SELECT * FROM {name} LIMIT 0")

    def add(self, record: Record) -> None:
        self.counts.records += 1
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
        table = self._columns(self._posts, POST_COLUMNS, _DERIVED_POST)
        table = table.append_column("text_norm", fold_array(table["text"]))
        table = table.append_column("lang_detected", pa.nulls(len(table), pa.string()))
        table = table.append_column("source_file", pa.array([self.source_file] * len(table), pa.string()))
        self._append("_stage_posts", table, POST_COLUMNS)
        self.counts.posts_read += len(self._posts)
        if self.on_batch:
            self.on_batch(len(self._posts))
        self._posts.clear()

    def _flush_accounts(self) -> None:
        if not self._accounts:
            return
        table = self._columns(self._accounts, ACCOUNT_COLUMNS, _DERIVED_ACCOUNT)
        table = table.append_column("first_seen", pa.nulls(len(table), pa.timestamp("us")))
        table = table.append_column("last_seen", pa.nulls(len(table), pa.timestamp("us")))
        table = table.append_column("source_file", pa.array([self.source_file] * len(table), pa.string()))
        self._append("_stage_accounts", table, ACCOUNT_COLUMNS)
        self._accounts.clear()

    def _flush_rejects(self) -> None:
        if not self._rejects:
            return
        table = pa.table(
            {
                "source_file": pa.array([self.source_file] * len(self._rejects), pa.string()),
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
        """Flush what is buffered and merge staging into posts and accounts."""
        self._flush_posts()
        self._flush_accounts()
        self._flush_rejects()
        before_posts = _count(self.con, "posts")
        before_accounts = _count(self.con, "accounts")
        self._merge_posts()
        self._merge_accounts()
        self.counts.posts_new = _count(self.con, "posts") - before_posts
        self.counts.accounts_new = _count(self.con, "accounts") - before_accounts
        self.con.execute("DROP TABLE IF EXISTS _stage_posts")
        self.con.execute("DROP TABLE IF EXISTS _stage_accounts")
        self.con.execute("DROP TABLE IF EXISTS _stage_dups")
        self.con.execute("DROP TABLE IF EXISTS _stage_conflicts")
        return self.counts

    def _merge_posts(self) -> None:
        con = self.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _stage_dups AS SELECT platform, post_id FROM _stage_posts "
            "GROUP BY platform, post_id HAVING count(*) > 1"
        )
        self._reject_conflicting_duplicates()
        cols = ", ".join(POST_COLUMNS)
        new_only = (
            "NOT EXISTS (SELECT 1 FROM posts p WHERE p.platform = s.platform AND p.post_id = s.post_id)"
        )
        con.execute(
            f"INSERT INTO posts SELECT {cols} FROM _stage_posts s WHERE {new_only} AND NOT EXISTS "
            "(SELECT 1 FROM _stage_dups d WHERE d.platform = s.platform AND d.post_id = s.post_id)"
        )
        merged = ", ".join(_merge_expression(c, t, ("platform", "post_id")) for c, t in POST_COLUMNS.items())
        con.execute(
            f"INSERT INTO posts SELECT {merged} FROM _stage_posts s SEMI JOIN _stage_dups d "
            f"USING (platform, post_id) WHERE {new_only} GROUP BY s.platform, s.post_id"
        )

    def _reject_conflicting_duplicates(self) -> None:
        """Records repeating a post id with different identity fields go to rejects, not into a merge.

        Several records of one post are merged only when they agree on who posted what, when, and in
        answer to what; otherwise the later records would silently lose their values.
        """
        con = self.con
        differs = " WHEN ".join(f"s.{c} IS DISTINCT FROM f.{c} THEN '{c}'" for c in IDENTITY_FIELDS)
        any_differs = " OR ".join(f"s.{c} IS DISTINCT FROM f.{c}" for c in IDENTITY_FIELDS)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _stage_conflicts AS
            WITH dup AS (
                SELECT s.rowid AS seq, s AS rec, s.* FROM _stage_posts s
                SEMI JOIN _stage_dups d USING (platform, post_id)
            ), first AS (
                SELECT * FROM dup QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY seq) = 1
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

    def _merge_accounts(self) -> None:
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
            ), seen AS (
                SELECT platform, account_id, min(created_at) AS first_seen, max(created_at) AS last_seen,
                       min(source_record) AS source_record
                FROM _stage_posts GROUP BY platform, account_id
            )
            SELECT platform, account_id, n.handle, n.display_name, n.created_at, n.declared_lang,
                   n.followers, n.following, n.bio, n.location, n.profile_url,
                   seen.first_seen, seen.last_seen, ? AS source_file,
                   coalesce(n.source_record, seen.source_record) AS source_record
            FROM named n FULL OUTER JOIN seen USING (platform, account_id)""",
            [self.source_file],
        )
        keep = {"platform", "account_id", "source_file", "source_record"}
        updates = []
        for col in ACCOUNT_COLUMNS:
            if col in keep:
                continue
            if col == "first_seen":
                updates.append("first_seen = least(accounts.first_seen, excluded.first_seen)")
            elif col == "last_seen":
                updates.append("last_seen = greatest(accounts.last_seen, excluded.last_seen)")
            else:
                updates.append(f"{col} = coalesce(excluded.{col}, accounts.{col})")
        con.execute(
            f"INSERT INTO accounts SELECT {', '.join(ACCOUNT_COLUMNS)} FROM _stage_acc "
            f"ON CONFLICT (platform, account_id) DO UPDATE SET {', '.join(updates)}"
        )
        con.execute("DROP TABLE _stage_acc")


def _merge_expression(column: str, sql_type: str, keys: tuple[str, ...]) -> str:
    """Aggregate for records of one key: keys as-is, lists united, others the first non-null value."""
    if column in keys:
        return f"s.{column} AS {column}"
    if sql_type.startswith("VARCHAR[]"):
        return f"list_distinct(flatten(list(s.{column} ORDER BY s.source_record))) AS {column}"
    if column == "source_record":
        return "min(s.source_record) AS source_record"
    return f"first(s.{column} ORDER BY s.source_record) FILTER (WHERE s.{column} IS NOT NULL) AS {column}"


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0
