"""X API v2 JSON as twarc2 writes it: response pages, or flattened one-tweet-per-line JSONL.

A page is `{"data": [tweets], "includes": {"users", "tweets", "media"}, "meta", "__twarc"}`, one per
line (or one document per file). Tweets in `includes.tweets` (the originals of retweets, quotes and
replies) are posts too. `twarc2 flatten` instead writes one tweet per line with `author`, the
referenced tweets and `attachments.media` expanded in place; those expansions are read the same way.

Mentions are account ids (as in the IO archive), the username only when the id is missing; media are
the media keys, each followed by its URL when the export has one. A bad tweet rejects that tweet only,
with `field` giving its path in the page (e.g. `data[3].created_at`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from unmask.ingest.json_fields import checked_object, json_object, json_objects, reject_value
from unmask.ingest.native import NativeRead
from unmask.ingest.parsing import (
    FieldError,
    SeenAccounts,
    decoded_head,
    field_count,
    field_text,
    field_timestamp,
    iter_json,
    json_text,
    optional_timestamp,
    raw_json_is_clean,
    required,
)
from unmask.ingest.records import Account, Post, Record, Reject, RejectReason
from unmask.ingest.x_api_v2_native import native_read

_MARKERS = ('"author_id"', '"__twarc"')


@dataclass
class _Page:
    """Lookups a page's includes give its tweets: who wrote a referenced tweet, where media lives."""

    authors: dict[str, str] = field(default_factory=dict)
    media_urls: dict[str, str] = field(default_factory=dict)


class XApiV2Layout:
    name = "x_api_v2"
    platform = "x"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = decoded_head(head).lstrip()
        return text[:1] in ("{", "[") and any(marker in text for marker in _MARKERS)

    def native(self, head: bytes, path: Path) -> NativeRead | None:
        """DuckDB's read of a clean twarc2 page file (see ingest/x_api_v2_native.py)."""
        return native_read(head, path, self.platform)

    def read(self, path: Path) -> Iterator[Record]:
        seen = _FileState()
        for item in iter_json(path):
            if isinstance(item, Reject):
                yield item
            else:
                seen.clean = raw_json_is_clean(item.raw)
                yield from self._value(item.value, item.record_no, seen)

    def _value(self, value: object, record_no: int, seen: _FileState) -> Iterator[Record]:
        if isinstance(value, list):  # a line holding an array of tweets or pages
            for i, element in enumerate(value):
                yield from self._object(element, record_no, f"[{i}].", seen)
        else:
            yield from self._object(value, record_no, "", seen)

    def _object(self, value: object, record_no: int, prefix: str, seen: _FileState) -> Iterator[Record]:
        if isinstance(value, dict) and ("data" in value or "includes" in value):
            yield from self._page(value, record_no, seen)
        else:
            yield from self._tweet(value, record_no, prefix, _Page(), seen)

    def _page(self, page: dict, record_no: int, seen: _FileState) -> Iterator[Record]:
        sections, problems = _sections(page, record_no)
        yield from problems
        lookups = _Page(
            authors={
                tweet_id: str(t["author_id"])
                for t in sections["includes.tweets"]
                if (tweet_id := _id_of(t)) and isinstance(t.get("author_id"), str | int)
            },
            media_urls=_media_urls(sections["includes.media"]),
        )
        for i, user in enumerate(sections["includes.users"]):
            yield from self._user(user, record_no, f"includes.users[{i}].", seen)
        data_ids = {_id_of(t) for t in sections["data"]} - {None}
        for i, tweet in enumerate(sections["data"]):
            yield from self._tweet(tweet, record_no, f"data[{i}].", lookups, seen)
        for i, tweet in enumerate(sections["includes.tweets"]):
            if _id_of(tweet) not in data_ids:
                yield from self._tweet(tweet, record_no, f"includes.tweets[{i}].", lookups, seen)

    def _user(self, user: object, record_no: int, prefix: str, seen: _FileState) -> Iterator[Record]:
        try:
            account = _account(self.platform, checked_object(user, seen.clean), record_no)
        except FieldError as exc:
            yield exc.reject(record_no, json_text(user), prefix)
            return
        if seen.first(account):
            yield account

    def _tweet(
        self, tweet: object, record_no: int, prefix: str, page: _Page, seen: _FileState
    ) -> Iterator[Record]:
        try:
            checked = checked_object(tweet, seen.clean)
            post = _post(self.platform, checked, record_no, page)
        except FieldError as exc:
            yield exc.reject(record_no, json_text(tweet), prefix)
            return
        author = checked.get("author")
        if isinstance(author, dict):
            yield from self._user(author, record_no, f"{prefix}author.", seen)
        yield from seen.author(self.platform, post.account_id, record_no)
        yield post
        # twarc2 flatten expands referenced tweets in place: they are posts like includes.tweets.
        for i, ref in enumerate(checked.get("referenced_tweets") or []):
            if isinstance(ref, dict) and "created_at" in ref:
                yield from self._tweet(ref, record_no, f"{prefix}referenced_tweets[{i}].", page, seen)


def _id_of(tweet: object) -> str | None:
    return str(tweet["id"]) if isinstance(tweet, dict) and isinstance(tweet.get("id"), str | int) else None


def _sections(page: dict, record_no: int) -> tuple[dict[str, list], list[Reject]]:
    """A page's data and includes lists (empty when absent), and rejects for ones of the wrong type."""
    includes = page.get("includes")
    problems = []
    if not isinstance(includes, dict):
        if includes is not None:
            problems.append(reject_value(record_no, "includes", includes, "not an object"))
        includes = {}
    data = page.get("data")
    sections = {
        "data": [data] if isinstance(data, dict) else data,  # a dict: a single-tweet lookup
        **{f"includes.{name}": includes.get(name) for name in ("users", "tweets", "media")},
    }
    for where, value in sections.items():
        if value is not None and not isinstance(value, list):
            problems.append(reject_value(record_no, where, value, "not a list"))
            sections[where] = None
    return {where: value or [] for where, value in sections.items()}, problems


class _FileState(SeenAccounts):
    """Accounts seen so far in the file, and whether the current record's raw text is clean."""

    clean: bool = False


def _media_urls(media: list) -> dict[str, str]:
    urls = {}
    for m in media:
        if isinstance(m, dict) and m.get("media_key"):
            url = m.get("url") or m.get("preview_image_url")
            if isinstance(url, str) and url:
                urls[str(m["media_key"])] = url
    return urls


def _account(platform: str, user: dict, record_no: int) -> Account:
    metrics = json_object(user.get("public_metrics"), "public_metrics")
    return Account(
        platform=platform,
        account_id=required(user.get("id"), "id"),
        handle=field_text(user.get("username"), "username"),
        display_name=field_text(user.get("name"), "name"),
        created_at=optional_timestamp(user.get("created_at"), "created_at"),
        followers=field_count(metrics.get("followers_count"), "public_metrics.followers_count"),
        following=field_count(metrics.get("following_count"), "public_metrics.following_count"),
        bio=field_text(user.get("description"), "description"),
        location=field_text(user.get("location"), "location"),
        profile_url=field_text(user.get("url"), "url"),
        source_record=record_no,
    )


def _post(platform: str, tweet: dict, record_no: int, page: _Page) -> Post:
    author = json_object(tweet.get("author"), "author")
    entities = json_object(tweet.get("entities"), "entities")
    metrics = json_object(tweet.get("public_metrics"), "public_metrics")
    attachments = json_object(tweet.get("attachments"), "attachments")
    note = json_object(tweet.get("note_tweet"), "note_tweet")  # the full text of long posts
    refs: dict[str, dict] = {}
    for ref in json_objects(tweet.get("referenced_tweets"), "referenced_tweets"):
        refs.setdefault(str(ref.get("type")), ref)
    repost = refs.get("retweeted", {})
    repost_id = field_text(repost.get("id"), "referenced_tweets.id")
    repost_author = repost.get("author_id") or page.authors.get(repost_id or "")
    media_urls = page.media_urls | _media_urls(json_objects(attachments.get("media"), "attachments.media"))
    media_keys = attachments.get("media_keys") or []
    if not isinstance(media_keys, list):
        raise FieldError(
            "attachments.media_keys", RejectReason.BAD_VALUE, "attachments.media_keys: not a list"
        )
    keys = [key for k in media_keys if (key := field_text(k, "attachments.media_keys"))]
    return Post(
        platform=platform,
        post_id=required(tweet.get("id"), "id"),
        account_id=required(tweet.get("author_id") or author.get("id"), "author_id"),
        created_at=field_timestamp(tweet.get("created_at"), "created_at"),
        text=field_text(note.get("text") or tweet.get("text"), "text"),
        lang=field_text(tweet.get("lang"), "lang"),
        reply_to_post_id=field_text(refs.get("replied_to", {}).get("id"), "referenced_tweets.id"),
        reply_to_account_id=field_text(tweet.get("in_reply_to_user_id"), "in_reply_to_user_id"),
        repost_of_post_id=repost_id,
        repost_of_account_id=field_text(repost_author, "referenced_tweets.author_id"),
        quote_of_post_id=field_text(refs.get("quoted", {}).get("id"), "referenced_tweets.id"),
        conversation_id=field_text(tweet.get("conversation_id"), "conversation_id"),
        urls=_strings(entities, "urls", "expanded_url", "url"),
        hashtags=_strings(entities, "hashtags", "tag"),
        mentions=_strings(entities, "mentions", "id", "username"),
        media=[item for key in keys for item in (key, media_urls.get(key)) if item],
        like_count=field_count(metrics.get("like_count"), "public_metrics.like_count"),
        repost_count=field_count(metrics.get("retweet_count"), "public_metrics.retweet_count"),
        reply_count=field_count(metrics.get("reply_count"), "public_metrics.reply_count"),
        quote_count=field_count(metrics.get("quote_count"), "public_metrics.quote_count"),
        view_count=field_count(metrics.get("impression_count"), "public_metrics.impression_count"),
        source_record=record_no,
    )


def _strings(entities: dict, kind: str, *keys: str) -> list[str]:
    """One string per entity of `kind`: the first of `keys` it has."""
    where = f"entities.{kind}"
    values = []
    for entity in json_objects(entities.get(kind), where):
        value = next((entity[k] for k in keys if entity.get(k) not in (None, "")), None)
        if (text := field_text(value, where)) is not None:
            values.append(text)
    return values
