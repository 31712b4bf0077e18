"""X/Twitter Information Operations archive (the "transparency" takedown CSVs, hashed or not).

One row per tweet, every row repeating its author's profile. Ids are kept as opaque strings (hashed
releases put 64-hex or base64 digests in userid/screen name); counts may be written as floats ("0.0");
list columns are bracketed ("[a, b]" or "['a', 'b']"); tweet_time is "YYYY-MM-DD HH:MM" in UTC.
Optional columns may be missing (older releases lack quote_count, poll_choices and others).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


class IoArchiveLayout:
    name = "io_archive"
    platform = "x"

    def sniff(self, head: bytes, path: Path) -> bool:
        header = set(csv_header(head))
        return set(REQUIRED_COLUMNS) <= header and "tweet_text" in header

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
