"""X/Twitter Information Operations archive (the "transparency" takedown CSVs, hashed or not).

One row per tweet, every row repeating its author's profile. Ids are kept as opaque strings (hashed
releases put 64-hex or base64 digests in userid/screen name); counts may be written as floats ("0.0");
list columns are bracketed ("[a, b]" or "['a', 'b']"); tweet_time is "YYYY-MM-DD HH:MM" in UTC.
Optional columns may be missing (older releases lack quote_count, poll_choices and others).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from unmask.ingest.native import (
    NativeRead,
    csv_rows,
    py_blank,
    py_count,
    py_count_unclean,
    py_list_cell,
    py_list_cell_unclean,
    py_strip,
    py_text,
    py_when,
    py_when_unclean,
    select_accounts,
    select_posts,
)
from unmask.ingest.parsing import (
    CsvRow,
    FieldError,
    SeenAccounts,
    csv_header,
    field_bool,
    field_count,
    field_text,
    field_timestamp,
    iter_csv_table,
    optional_timestamp,
    parse_list_cell,
    required,
)
from unmask.ingest.records import Account, Post, Record, Reject

REQUIRED_COLUMNS = ("tweetid", "userid", "tweet_time")
# What parse_bool reads: a list, as `IN (...)` is a join in DuckDB's plan, which loses the file's order.
_BOOLS = "['true', '1', 'yes', 't', 'false', '0', 'no', 'f']"


class IoArchiveLayout:
    name = "io_archive"
    platform = "x"

    def sniff(self, head: bytes, path: Path) -> bool:
        header = set(csv_header(head))
        return set(REQUIRED_COLUMNS) <= header and "tweet_text" in header

    def native(self, head: bytes, path: Path) -> NativeRead | None:
        """DuckDB's read of a clean file (see ingest/native.py); None when the header is unusual."""
        header = [c.strip() for c in csv_header(head)]
        if len(set(header)) != len(header) or not set(REQUIRED_COLUMNS) <= set(header):
            return None

        def cell(column: str) -> str:
            return f'"{column}"' if column in header else "NULL::VARCHAR"

        def text(column: str) -> str:
            return py_text(cell(column))

        def count(column: str) -> str:
            return py_count(cell(column))

        account = py_strip(cell("userid"))
        retweet = f"lower({py_strip(cell('is_retweet'))})"
        not_false = f"coalesce({retweet} NOT IN ('false', '0', 'no', 'f'), true)"
        counts = (
            "follower_count",
            "following_count",
            "like_count",
            "retweet_count",
            "reply_count",
            "quote_count",
        )
        lists = ("urls", "hashtags", "user_mentions")
        return NativeRead(
            rows=csv_rows(path, header, header=True),
            unclean=" OR ".join(
                [
                    py_blank(cell("tweetid")),
                    py_blank(cell("userid")),
                    py_when_unclean(cell("tweet_time"), optional=False),
                    py_when_unclean(cell("account_creation_date"), optional=True),
                    f"NOT ({py_blank(cell('is_retweet'))} OR list_contains({_BOOLS}, {retweet}))",
                    *(py_count_unclean(cell(c)) for c in counts),
                    *(py_list_cell_unclean(cell(c)) for c in lists),
                ]
            ),
            posts=select_posts(
                {
                    "platform": f"'{self.platform}'",
                    "post_id": py_strip(cell("tweetid")),
                    "account_id": account,
                    "created_at": py_when(cell("tweet_time")),
                    "text": text("tweet_text"),
                    "lang": text("tweet_language"),
                    "reply_to_post_id": text("in_reply_to_tweetid"),
                    "reply_to_account_id": text("in_reply_to_userid"),
                    "repost_of_post_id": f"CASE WHEN {not_false} THEN {text('retweet_tweetid')} END",
                    "repost_of_account_id": f"CASE WHEN {not_false} THEN {text('retweet_userid')} END",
                    "quote_of_post_id": text("quoted_tweet_tweetid"),
                    "urls": py_list_cell(cell("urls")),
                    "hashtags": py_list_cell(cell("hashtags")),
                    "mentions": py_list_cell(cell("user_mentions")),
                    "like_count": count("like_count"),
                    "repost_count": count("retweet_count"),
                    "reply_count": count("reply_count"),
                    "quote_count": count("quote_count"),
                    "source_record": "rec",
                }
            ),
            accounts=select_accounts(
                {
                    "platform": f"'{self.platform}'",
                    "account_id": account,
                    "handle": text("user_screen_name"),
                    "display_name": text("user_display_name"),
                    "created_at": py_when(cell("account_creation_date")),
                    "declared_lang": text("account_language"),
                    "followers": count("follower_count"),
                    "following": count("following_count"),
                    "bio": text("user_profile_description"),
                    "location": text("user_reported_location"),
                    "profile_url": text("user_profile_url"),
                    "source_record": "rec",
                },
                first_by=account,
            ),
            first_line=2,
        )

    def read(self, path: Path) -> Iterator[Record]:
        seen = SeenAccounts()
        for item in iter_csv_table(path):
            if isinstance(item, Reject):
                yield item
                continue
            row, cells = item
            try:
                account, post = self._records(row, cells)
            except FieldError as exc:
                yield exc.reject(row.record_no, row.raw)
                continue
            if seen.first(account):
                yield account
            yield post

    def _records(self, row: CsvRow, cells: dict[str, str]) -> tuple[Account, Post]:
        def text(column: str) -> str | None:
            return field_text(cells.get(column), column)

        def count(column: str) -> int | None:
            return field_count(cells.get(column), column)

        def items(column: str) -> list[str]:
            return parse_list_cell(cells.get(column, ""))

        account_id = required(cells.get("userid"), "userid")
        account = Account(
            platform=self.platform,
            account_id=account_id,
            handle=text("user_screen_name"),
            display_name=text("user_display_name"),
            created_at=optional_timestamp(cells.get("account_creation_date"), "account_creation_date"),
            declared_lang=text("account_language"),
            followers=count("follower_count"),
            following=count("following_count"),
            bio=text("user_profile_description"),
            location=text("user_reported_location"),
            profile_url=text("user_profile_url"),
            source_record=row.record_no,
        )
        retweet = field_bool(cells.get("is_retweet", ""), "is_retweet")
        post = Post(
            platform=self.platform,
            post_id=required(cells.get("tweetid"), "tweetid"),
            account_id=account_id,
            created_at=field_timestamp(cells.get("tweet_time"), "tweet_time"),
            text=text("tweet_text"),
            lang=text("tweet_language"),
            reply_to_post_id=text("in_reply_to_tweetid"),
            reply_to_account_id=text("in_reply_to_userid"),
            repost_of_post_id=text("retweet_tweetid") if retweet is not False else None,
            repost_of_account_id=text("retweet_userid") if retweet is not False else None,
            quote_of_post_id=text("quoted_tweet_tweetid"),
            urls=items("urls"),
            hashtags=items("hashtags"),
            mentions=items("user_mentions"),
            like_count=count("like_count"),
            repost_count=count("retweet_count"),
            reply_count=count("reply_count"),
            quote_count=count("quote_count"),
            source_record=row.record_no,
        )
        return account, post
