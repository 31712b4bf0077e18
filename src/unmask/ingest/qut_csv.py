"""The 8-column CSV of QUT's coordination-network-toolkit (`compute_networks preprocess --format csv`).

Columns, in this order: message_id, user_id, username, repost_id, reply_id, message, timestamp (seconds,
possibly fractional, read as POSIX time), urls (space-separated). The toolkit's docs ask for a header row
but its own loader skips the first row blindly, so files exist both ways: a first row that spells the
column names is a header, anything else is data.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from unmask.ingest.native import (
    NativeRead,
    csv_rows,
    py_blank,
    py_split,
    py_strip,
    py_text,
    select_accounts,
    select_posts,
)
from unmask.ingest.parsing import (
    EARLIEST,
    LATEST,
    FieldError,
    SeenAccounts,
    csv_header,
    field_text,
    field_timestamp,
    iter_csv_table,
    parse_timestamp,
    required,
    split_cell,
)
from unmask.ingest.records import Account, Post, Record, Reject

COLUMNS = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls")


class QutCsvLayout:
    name = "qut_csv"

    def __init__(self, platform: str = "x") -> None:
        self.platform = platform

    def sniff(self, head: bytes, path: Path) -> bool:
        if [c.lower() for c in csv_header(head)] == list(COLUMNS):
            return True
        return _looks_like_data_row(head)

    def native(self, head: bytes, path: Path) -> NativeRead:
        """DuckDB's read of a clean file: whole-second timestamps, ids and user ids present."""
        header = [c.strip().lower() for c in csv_header(head)] == list(COLUMNS)
        account = py_strip("user_id")
        when = "make_timestamp(TRY_CAST(timestamp AS BIGINT) * 1000000)"
        return NativeRead(
            rows=csv_rows(path, COLUMNS, header=header),
            unclean=" OR ".join(
                [
                    py_blank("message_id"),
                    py_blank("user_id"),
                    "NOT regexp_full_match(coalesce(timestamp, ''), '[0-9]{1,12}')",
                    f"NOT coalesce({when} >= '{EARLIEST}' AND {when} < '{LATEST}', false)",
                ]
            ),
            posts=select_posts(
                {
                    "platform": f"'{self.platform}'",
                    "post_id": py_strip("message_id"),
                    "account_id": account,
                    "created_at": "make_timestamp(timestamp::BIGINT * 1000000)",
                    "text": py_text("message"),
                    "reply_to_post_id": py_text("reply_id"),
                    "repost_of_post_id": py_text("repost_id"),
                    "urls": py_split("urls", " "),
                    "source_record": "rec",
                }
            ),
            accounts=select_accounts(
                {
                    "platform": f"'{self.platform}'",
                    "account_id": account,
                    "handle": py_text("username"),
                    "source_record": "rec",
                },
                first_by=account,
            ),
            first_line=2 if header else 1,
        )

    def read(self, path: Path) -> Iterator[Record]:
        seen = SeenAccounts()
        for item in iter_csv_table(path, fixed_columns=COLUMNS):
            if isinstance(item, Reject):
                yield item
                continue
            row, cells = item
            try:
                account_id = required(cells["user_id"], "user_id")
                post = Post(
                    platform=self.platform,
                    post_id=required(cells["message_id"], "message_id"),
                    account_id=account_id,
                    created_at=field_timestamp(cells["timestamp"], "timestamp", "posix"),
                    text=field_text(cells["message"], "message"),
                    repost_of_post_id=field_text(cells["repost_id"], "repost_id"),
                    reply_to_post_id=field_text(cells["reply_id"], "reply_id"),
                    urls=split_cell(cells["urls"], " "),
                    source_record=row.record_no,
                )
            except FieldError as exc:
                yield exc.reject(row.record_no, row.raw)
                continue
            account = Account(
                platform=self.platform,
                account_id=account_id,
                handle=field_text(cells["username"], "username"),
                source_record=row.record_no,
            )
            if seen.first(account):
                yield account
            yield post


def _looks_like_data_row(head: bytes) -> bool:
    """A headerless file: 8 cells, ids in the first two, a number of seconds in the seventh."""
    first = csv_header(head)
    if len(first) != len(COLUMNS) or not first[0].strip() or not first[1].strip():
        return False
    try:
        parse_timestamp(first[6], "posix")
    except ValueError:
        return False
    return True
