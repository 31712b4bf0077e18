"""Canonical records that every layout reader yields, and the reasons a record can be rejected.

Readers turn one platform export into a stream of Post, Account and Reject values; the writer
(`unmask.ingest.writer`) turns that stream into store rows. Field names equal the store's columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class RejectReason(StrEnum):
    """Why a record did not become a row. Stable strings: `unmask stats --json` reports them."""

    MALFORMED = "malformed_record"  # not parseable as the layout's syntax (bad JSON, broken CSV row)
    MISSING_FIELD = "missing_field"  # a required field is absent or empty
    BAD_VALUE = "bad_value"  # a field has the wrong type or an impossible value
    BAD_TIMESTAMP = "bad_timestamp"  # a timestamp that cannot be read or is out of range
    BAD_ENCODING = "bad_encoding"  # bytes that are not valid UTF-8
    TRUNCATED = "truncated"  # the file ends inside a record
    WRONG_FIELD_COUNT = "wrong_field_count"  # a CSV row with more or fewer cells than the header
    CONFLICTING_DUPLICATE = "conflicting_duplicate"  # a post id read again with different content


@dataclass(slots=True)
class Post:
    platform: str
    post_id: str
    account_id: str
    created_at: datetime  # naive, UTC
    text: str | None = None
    lang: str | None = None  # as declared by the platform
    reply_to_post_id: str | None = None
    reply_to_account_id: str | None = None
    repost_of_post_id: str | None = None
    repost_of_account_id: str | None = None
    quote_of_post_id: str | None = None
    conversation_id: str | None = None
    urls: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)  # link domains when the export gives them apart
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    like_count: int | None = None
    repost_count: int | None = None
    reply_count: int | None = None
    quote_count: int | None = None
    view_count: int | None = None
    source_record: int | None = None  # line (CSV/JSONL) or record index (JSON) in the source file


@dataclass(slots=True)
class Account:
    platform: str
    account_id: str
    handle: str | None = None
    display_name: str | None = None
    created_at: datetime | None = None  # naive, UTC
    declared_lang: str | None = None
    followers: int | None = None
    following: int | None = None
    bio: str | None = None
    location: str | None = None
    profile_url: str | None = None
    source_record: int | None = None


@dataclass(slots=True)
class Reject:
    record_no: int | None  # line or record index in the source file, 1-based
    field: str | None  # the offending field, or None when the whole record is unreadable
    reason: RejectReason
    raw: str  # the record as read (decoded with replacement characters when not UTF-8)
    detail: str = ""  # human explanation, e.g. "tweet_time: 'yesterday' is not a timestamp"


Record = Post | Account | Reject
