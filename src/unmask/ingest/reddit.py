"""Reddit comments and submissions: Pushshift / Arctic Shift dumps, their API pages, and reddit.com JSON.

Shapes read (any of them also `.zst`/`.gz` compressed, e.g. the monthly dumps RC_2023-09.zst, RS_2023-09.zst):

- NDJSON, one thing per line (the dumps), or a JSON array of things;
- an API page `{"data": [thing, ...]}` (Pushshift, Arctic Shift);
- reddit.com's `{"kind": "Listing", "data": {"children": [{"kind": "t1" | "t3", "data": thing}]}}`, alone
  or in an array (a `/comments/<id>.json` thread), comments holding their replies as a nested Listing in
  `replies`; `more` stubs are skipped.

A thing with `body` or `parent_id` is a comment: id, author, created_utc (epoch seconds as int, float or
string; ISO 8601 is read too), body, parent_id ("t1_<comment id>" or "t3_<submission id>"), link_id
("t3_<submission id>"), subreddit, score, author_created_utc. A thing with `title` is a submission: id,
author, created_utc, title, selftext, url, domain, is_self, num_comments, score, author_created_utc.

Mapping. Post ids are the bare base36 ids (a `t1_`/`t3_` prefix is dropped): a comment replies to its
parent_id without prefix, and its conversation is its link_id (a submission's is its own id). Accounts are
keyed by the username in `author` (every dump era has it; author_fullname is missing from older ones, and
Reddit usernames never change). A "[deleted]" author cannot be linked to an account: the thing is rejected
as missing_field on `author`. reply_to_account_id is filled when the parent was read earlier in the same
file (see RecentAuthors); a top-level comment's submission lives in the RS file, so that target stays empty.
Text is the body, or the title then a blank line and the selftext; "[removed]"/"[deleted]" bodies are no
text (else every removed comment would look like a copy of every other). Reddit escapes `&<>` as HTML
entities in body, title, selftext and url; they are unescaped. urls: a link submission's url (domains: its
domain) and the http(s) links written in the body or selftext. score is net votes: like_count when it is
not negative, else none; num_comments is reply_count. The subreddit has no canonical field and is dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from unmask.ingest.json_fields import read_objects, reject_value
from unmask.ingest.parsing import (
    FieldError,
    decoded_head,
    field_count,
    field_text,
    field_timestamp,
    optional_timestamp,
    required,
)
from unmask.ingest.records import Account, Post, Record, Reject, RejectReason

_KEYS = (re.compile(r'"subreddit"\s*:'), re.compile(r'"created_utc"\s*:'))
_PREFIX = re.compile(r"^t[1-6]_")
_LINK = re.compile(r"https?://[^\s<>\[\]()\"'`]+")
_GONE = frozenset({"[deleted]", "[removed]"})
COMMENT, SUBMISSION = "t1", "t3"


class RecentAuthors:
    """Who wrote the posts read last in a file, so a reply can name the account it answers.

    Bounded (oldest forgotten first) so a month-long dump of all Reddit does not fill memory: replies come
    within hours of their parent, and dumps are in time order.
    """

    def __init__(self, size: int = 1_000_000) -> None:
        self._size = size
        self._authors: dict[str, str] = {}

    def add(self, key: str, account_id: str) -> None:
        if key not in self._authors and len(self._authors) >= self._size:
            del self._authors[next(iter(self._authors))]
        self._authors[key] = account_id

    def get(self, key: str | None) -> str | None:
        return self._authors.get(key) if key else None


class RedditLayout:
    name = "reddit"
    platform = "reddit"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = decoded_head(head).lstrip()
        return text[:1] in ("{", "[") and all(key.search(text) for key in _KEYS)

    def read(self, path: Path) -> Iterator[Record]:
        authors = RecentAuthors()
        return read_objects(
            path, _things, lambda kind, record_no, thing: self._records(thing, kind, record_no, authors)
        )

    def _records(
        self, thing: dict, kind: str | None, record_no: int, authors: RecentAuthors
    ) -> tuple[Account, Post]:
        kind = kind or _kind_of(thing)
        post_id = _bare(required(thing.get("id"), "id"))
        author = required(thing.get("author"), "author")
        if author in _GONE:
            raise FieldError(
                "author", RejectReason.MISSING_FIELD, f"author is {author}: the post has no account to link"
            )
        account = Account(
            platform=self.platform,
            account_id=author,
            handle=author,
            created_at=optional_timestamp(thing.get("author_created_utc"), "author_created_utc"),
            source_record=record_no,
        )
        post = Post(
            platform=self.platform,
            post_id=post_id,
            account_id=author,
            created_at=field_timestamp(thing.get("created_utc"), "created_utc"),
            like_count=_likes(thing.get("score")),
            source_record=record_no,
        )
        if kind == COMMENT:
            parent = field_text(thing.get("parent_id"), "parent_id")
            post.text = _prose(thing, "body")
            post.reply_to_post_id = _bare(parent) if parent else None
            post.reply_to_account_id = authors.get(parent)
            link = field_text(thing.get("link_id"), "link_id")
            post.conversation_id = _bare(link) if link else None
        else:
            parts = (_prose(thing, "title"), _prose(thing, "selftext"))
            post.text = "\n\n".join(part for part in parts if part) or None
            post.conversation_id = post_id
            post.reply_count = field_count(thing.get("num_comments"), "num_comments")
            domain = field_text(thing.get("domain"), "domain")
            if thing.get("is_self") is not True and not (domain or "").startswith("self."):
                url = field_text(thing.get("url"), "url")
                post.urls = [html.unescape(url)] if url else []
                post.domains = [domain] if domain else []
        post.urls = list(dict.fromkeys([*post.urls, *_links(post.text)]))
        authors.add(f"{kind}_{post_id}", author)
        return account, post


def _things(value: object, record_no: int) -> Iterator[tuple[str, str | None, object] | Reject]:
    """(field prefix, kind when a wrapper names it, thing) for each comment or submission in a value."""
    top = [(f"[{i}].", v) for i, v in enumerate(value)] if isinstance(value, list) else [("", value)]
    stack: list[tuple[str, str | None, object]] = [(where, None, v) for where, v in reversed(top)]
    while stack:
        where, kind, node = stack.pop()
        if not isinstance(node, dict) or kind:
            yield where, kind, node  # a non-object is rejected by the caller
            if kind == COMMENT and isinstance(node, dict) and isinstance(node.get("replies"), dict):
                stack.append((f"{where}replies.", None, node["replies"]))
        elif node.get("kind") == "Listing" or isinstance(node.get("data"), list):
            data = node.get("data")
            at, children = ("data", data) if isinstance(data, list) else ("data.children", _children(data))
            if not isinstance(children, list):
                yield reject_value(record_no, f"{where}{at}", node, "not a list")
                continue
            found = [(f"{where}{at}[{i}].", None, child) for i, child in enumerate(children)]
            stack.extend(reversed(found))
        elif node.get("kind") in (COMMENT, SUBMISSION):
            stack.append((f"{where}data.", node["kind"], node.get("data")))
        elif "kind" not in node:
            yield where, None, node
        # other kinds ("more" stubs, accounts, subreddits) are not posts


def _children(listing_data: object) -> object:
    return listing_data.get("children") if isinstance(listing_data, dict) else None


def _kind_of(thing: dict) -> str:
    if "body" in thing or "parent_id" in thing:
        return COMMENT
    if "title" in thing:
        return SUBMISSION
    raise FieldError(
        None, RejectReason.MISSING_FIELD, "neither a comment (body, parent_id) nor a submission (title)"
    )


def _bare(reddit_id: str) -> str:
    return _PREFIX.sub("", reddit_id.strip())


def _prose(thing: dict, field: str) -> str | None:
    text = field_text(thing.get(field), field)
    return None if text is None or text.strip() in _GONE else html.unescape(text)


def _links(text: str | None) -> list[str]:
    return [link.rstrip(".,;:!?*_~") for link in _LINK.findall(text or "")]


def _likes(score: object) -> int | None:
    """Reddit's score is net votes: a negative score says nothing about likes."""
    if isinstance(score, int | float | str) and not isinstance(score, bool):
        text = str(score).strip()
        if text.startswith("-") and text[1:].replace(".", "", 1).isdigit():
            return None
    return field_count(score, "score")
