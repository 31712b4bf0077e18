"""CrowdTangle historical-data CSV exports of Facebook and Instagram posts (the column sets used until 2024).

One row per post, every row repeating its page/account. The file says its platform by its header:

Facebook (sniffed by `User Name`, `Facebook Id`, `URL` and `Post Created`, or `Created` in pre-2021 files):
    Page Name (Group Name for group lists), User Name, Facebook Id, Page Category, Page Admin Top Country,
    Page Description, Page Created, Likes at Posting, Followers at Posting, Post Created, Post Created Date,
    Post Created Time, Type, Total Interactions, Likes, Comments, Shares, Love, Wow, Haha, Sad, Angry, Care,
    Video Share Status, Is Video Owner?, Post Views, Total Views, Total Views For All Crossposts,
    Video Length, URL, Message, Link, Final Link, Image Text, Link Text, Description, Sponsor Id,
    Sponsor Name, Sponsor Category, Overperforming Score
Instagram (sniffed by `Account`, `User Name`, `Followers at Posting`, `Post Created` and `URL`, no
`Facebook Id`): Account, User Name, Followers at Posting, Post Created, Type, Likes, Comments, Views, URL,
    Link, Photo, Title, Description (later files add more columns; extra columns are ignored)

Read as: post_id = the post's id in `URL` (its `story_fbid`/`fbid`/`v` query value, else the last path
segment: `.../posts/<id>`, `.../videos/<id>/`, `instagram.com/p/<shortcode>/`); account_id = `Facebook Id`
(Instagram: `User Name`, as CrowdTangle exported no Instagram id); created_at = `Post Created`, written as
"YYYY-MM-DD HH:MM:SS ZONE" in the dashboard's time zone, where ZONE is an abbreviation (EDT, CET, AEST...)
or an offset (-0400, +05:30); no zone means UTC, and "IST" (India, Ireland or Israel) is rejected as
ambiguous. text = `Message` (Instagram: `Description`, else `Title`); like_count = the sum of the reaction
columns (Likes, Love, Wow, Haha, Sad, Angry, Care; Instagram: Likes); repost_count = Shares; reply_count =
Comments; view_count = Post Views (Instagram: Views); urls = `Final Link` or `Link` unless it is the post's
own URL; media = `Photo`. The account: handle = `User Name`, display_name = `Page Name` (`Group Name`,
Instagram: `Account`), followers = `Followers at Posting`, created_at = `Page Created`, bio = `Page
Description`, location = `Page Admin Top Country`. Counts may carry thousands separators ("1,234").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from unmask.ingest.parsing import (
    CsvRow,
    FieldError,
    SeenAccounts,
    csv_header,
    field_count,
    field_text,
    in_store_range,
    iter_csv_table,
    parse_timestamp,
    required,
)
from unmask.ingest.records import Account, Post, Record, Reject, RejectReason

FACEBOOK_COLUMNS = frozenset({"User Name", "Facebook Id", "URL"})
INSTAGRAM_COLUMNS = frozenset({"Account", "User Name", "Followers at Posting", "Post Created", "URL"})
REACTIONS = ("Likes", "Love", "Wow", "Haha", "Sad", "Angry", "Care")

# Abbreviations CrowdTangle's dashboards printed, as minutes east of UTC. "CST" is US Central, the
# dashboards' usual reading; "IST" is left out on purpose (India +05:30, Ireland +01:00, Israel +02:00).
_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "WAT": 60, "CAT": 120, "SAST": 120, "EAT": 180, "PKT": 300, "ICT": 420,
    "WIB": 420, "SGT": 480, "HKT": 480, "AWST": 480, "JST": 540, "KST": 540, "ACST": 570, "ACDT": 630,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780, "HST": -600, "AKST": -540, "AKDT": -480,
    "PST": -480, "PDT": -420, "MST": -420, "MDT": -360, "CST": -360, "CDT": -300, "EST": -300,
    "EDT": -240, "AST": -240, "ADT": -180, "NST": -210, "NDT": -150, "BRT": -180, "ART": -180,
}  # fmt: skip
_CREATED = re.compile(
    r"(?P<local>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"\s*(?P<zone>[A-Za-z]{1,5}|[+-]\d{2}(?::?\d{2})?)?"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_QUERY_IDS = ("story_fbid", "fbid", "v")  # permalink.php?story_fbid=, photo.php?fbid=, watch/?v=


class CrowdTangleLayout:
    name = "crowdtangle"
    platform = "facebook,instagram"

    def sniff(self, head: bytes, path: Path) -> bool:
        header = set(csv_header(head))
        if header >= FACEBOOK_COLUMNS:
            return bool({"Post Created", "Created"} & header)
        return header >= INSTAGRAM_COLUMNS

    def read(self, path: Path) -> Iterator[Record]:
        seen = SeenAccounts()
        for item in iter_csv_table(path):
            if isinstance(item, Reject):
                yield item
                continue
            row, cells = item
            try:
                account, post = _records(row, cells)
            except FieldError as exc:
                yield exc.reject(row.record_no, row.raw)
                continue
            if seen.first(account):
                yield account
            yield post


@dataclass(frozen=True)
class _Columns:
    """Where one platform's file keeps what differs between the two layouts."""

    platform: str
    account_id: str
    text: tuple[str, ...]  # the first non-empty one
    likes: tuple[str, ...]  # summed
    views: str
    media: tuple[str, ...] = ()


FACEBOOK = _Columns("facebook", "Facebook Id", ("Message",), REACTIONS, "Post Views")
INSTAGRAM = _Columns("instagram", "User Name", ("Description", "Title"), ("Likes",), "Views", ("Photo",))


def _records(row: CsvRow, cells: dict[str, str]) -> tuple[Account, Post]:
    """The page/account and the post of one row; the header says which platform the file is."""

    def text(column: str) -> str | None:
        return field_text(cells.get(column), column)

    def count(column: str) -> int | None:
        return _count(cells.get(column), column)

    columns = FACEBOOK if "Facebook Id" in cells else INSTAGRAM
    created = "Post Created" if "Post Created" in cells else "Created"
    account_id = required(cells.get(columns.account_id), columns.account_id)
    url = required(cells.get("URL"), "URL")
    link = text("Final Link") or text("Link")
    likes = [n for column in columns.likes if (n := count(column)) is not None]
    account = Account(
        platform=columns.platform,
        account_id=account_id,
        handle=text("User Name"),
        display_name=text("Page Name") or text("Group Name") or text("Account"),
        created_at=_optional_time(cells.get("Page Created"), "Page Created"),
        followers=count("Followers at Posting"),
        bio=text("Page Description"),
        location=text("Page Admin Top Country"),
        source_record=row.record_no,
    )
    post = Post(
        platform=columns.platform,
        post_id=post_id_of(url),
        account_id=account_id,
        created_at=_time(cells.get(created), created),
        text=next((t for column in columns.text if (t := text(column))), None),
        urls=[link] if link and link != url else [],
        media=[m for column in columns.media if (m := text(column))],
        like_count=sum(likes) if likes else None,
        repost_count=count("Shares"),
        reply_count=count("Comments"),
        view_count=count(columns.views),
        source_record=row.record_no,
    )
    return account, post


def post_id_of(url: str) -> str:
    """The post's id in a CrowdTangle `URL`: a `story_fbid`/`fbid`/`v` query value, else the last segment."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FieldError("URL", RejectReason.BAD_VALUE, f"URL: {url[:80]!r} is not a URL") from None
    query = parse_qs(parts.query)
    for key in _QUERY_IDS:
        if value := next((v.strip() for v in query.get(key, []) if v.strip()), None):
            return value
    segments = [s.strip() for s in parts.path.split("/") if s.strip()]
    if not parts.netloc or len(segments) < 2:
        raise FieldError("URL", RejectReason.BAD_VALUE, f"URL: {url[:80]!r} does not name a post")
    return segments[-1]


def parse_crowdtangle_time(text: str) -> datetime:
    """Naive UTC from "YYYY-MM-DD HH:MM:SS ZONE" (abbreviation or offset); raises ValueError."""
    found = _CREATED.fullmatch(text.strip())
    if not found:
        raise ValueError("expected 'YYYY-MM-DD HH:MM:SS' and a time zone")
    local = parse_timestamp(found["local"], "iso")
    zone = found["zone"]
    if zone is None:
        return local
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
        offset = minutes if zone[0] == "+" else -minutes
    elif (known := _ZONES.get(zone.upper())) is not None:
        offset = known
    else:
        raise ValueError(f"unknown or ambiguous time zone {zone!r}")
    try:
        return local - timedelta(minutes=offset)
    except OverflowError as exc:
        raise ValueError("out of range") from exc


def _time(value: str | None, column: str) -> datetime:
    if not value or not value.strip():
        raise FieldError(column, RejectReason.MISSING_FIELD, f"{column} is empty or absent")
    try:
        parsed = parse_crowdtangle_time(value)
    except ValueError as exc:
        raise FieldError(
            column, RejectReason.BAD_TIMESTAMP, f"{column}: {value[:80]!r} is not a timestamp ({exc})"
        ) from None
    return in_store_range(parsed, column)


def _optional_time(value: str | None, column: str) -> datetime | None:
    return _time(value, column) if value and value.strip() else None


def _count(value: str | None, column: str) -> int | None:
    """A count cell, also with thousands separators as CrowdTangle wrote large totals."""
    if value and _THOUSANDS.fullmatch(value.strip()):
        value = value.replace(",", "")
    return field_count(value, column)
