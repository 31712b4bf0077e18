"""YouTube Data API v3 JSON: `commentThreads`, `comments`, `videos` (and `channels`) list responses.

A file is one response (`{"kind": "youtube#commentThreadListResponse", "items": [...], "nextPageToken"...}`),
a top-level array of responses, or JSON lines of responses or of single items. Sniffed by a JSON file
holding `"youtube#` (the `kind` markers); items without `kind` are recognised by their shape when the
format is named with `--format youtube`.

Items read (field paths as the API writes them):
    youtube#commentThread: id, snippet.{videoId, channelId (the video's channel), totalReplyCount,
        topLevelComment (a comment)}, replies.comments (comments)
    youtube#comment: id, snippet.{authorChannelId.value (or a plain string), authorDisplayName,
        authorChannelUrl, textOriginal (else textDisplay), publishedAt, likeCount, parentId (replies only),
        channelId, videoId}
    youtube#video: id, snippet.{channelId, channelTitle, publishedAt, title, description,
        defaultLanguage (else defaultAudioLanguage)}, statistics.{viewCount, likeCount, commentCount}
    youtube#channel: an account only: id, snippet.{title, customUrl, description, publishedAt, country,
        defaultLanguage}, statistics.subscriberCount
Other kinds (search results, playlists) are rejected as unsupported.

A video is a post by its channel; its text is the title, a blank line, and the description. A comment is a
post replying like an X reply: a top-level comment replies to its video (reply_to_post_id = videoId) and
to the video's channel (reply_to_account_id = the thread's or comment's snippet.channelId, else the
owner of that video when the file holds it); a comment on a channel itself (no videoId) replies to that
channel only. A reply replies to its parent comment (snippet.parentId, else its thread's top-level
comment) and to that comment's author when the file holds it (the file is read twice: once to learn
authors, once to emit). conversation_id is the video (channel discussions: the top-level comment).
Counts may be strings, as the API writes video statistics. Times are ISO 8601 (publishedAt) in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from unmask.ingest.json_fields import checked_object, iter_listed, json_object
from unmask.ingest.parsing import (
    FieldError,
    SeenAccounts,
    decoded_head,
    field_count,
    field_text,
    field_timestamp,
    json_text,
    make_reject,
    optional_timestamp,
    required,
)
from unmask.ingest.records import Account, Post, Record, Reject, RejectReason

PLATFORM = "youtube"
THREAD, COMMENT, VIDEO, CHANNEL = (
    "youtube#commentThread",
    "youtube#comment",
    "youtube#video",
    "youtube#channel",
)


@dataclass(slots=True)
class _Item:
    """One resource of the file, with where it was read."""

    record_no: int
    prefix: str  # its path inside the JSON value ("items[3]."), for reject fields
    kind: str
    value: dict
    clean: bool  # the raw record has no bad bytes or escapes: strings need no check


@dataclass
class _Index:
    """What the first pass learns: who made each video and each comment."""

    authors: dict[str, str] = field(default_factory=dict)

    def learn(self, item: _Item) -> None:
        if item.kind == VIDEO:
            self._add(item.value.get("id"), _get(item.value, "snippet", "channelId"))
        elif item.kind == THREAD:
            snippet = item.value.get("snippet")
            if isinstance(snippet, dict):
                self._add(snippet.get("videoId"), snippet.get("channelId"))
                self._comment(snippet.get("topLevelComment"))
            for reply in _replies(item.value):
                self._comment(reply)
        elif item.kind == COMMENT:
            self._comment(item.value)

    def _comment(self, comment: object) -> None:
        if isinstance(comment, dict):
            self._add(comment.get("id"), _author_id(_get(comment, "snippet", "authorChannelId")))

    def _add(self, key: object, author: object) -> None:
        if isinstance(key, str) and isinstance(author, str) and key.strip() and author.strip():
            self.authors.setdefault(key.strip(), author.strip())

    def author(self, key: str | None) -> str | None:
        return self.authors.get(key) if key else None


@dataclass(frozen=True)
class _Context:
    """What a comment inherits from its thread."""

    video_id: str | None = None
    channel_id: str | None = None
    parent_id: str | None = None  # the thread's top-level comment, for its replies
    reply_count: int | None = None


class YouTubeLayout:
    name = "youtube"
    platform = PLATFORM

    def sniff(self, head: bytes, path: Path) -> bool:
        text = decoded_head(head).lstrip()
        return text[:1] in ("{", "[") and '"youtube#' in text

    def read(self, path: Path) -> Iterator[Record]:
        index = _Index()
        for item in _items(path):
            if isinstance(item, _Item):
                index.learn(item)
        seen = SeenAccounts()
        for item in _items(path):
            if isinstance(item, Reject):
                yield item
            elif item.kind == THREAD:
                yield from _thread(item, index, seen)
            elif item.kind == COMMENT:
                yield from _resource_records(item, item.prefix, item.value, _Context(), index, seen)
            else:
                yield from _resource_records(item, item.prefix, item.value, None, index, seen)


# -- walking the file ------------------------------------------------------------------------------


def _items(path: Path) -> Iterator[_Item | Reject]:
    """Every resource of the file with its kind; values that are not resources as rejects."""
    for found in iter_listed(path, "items"):
        yield found if isinstance(found, Reject) else _resource(*found)


def _resource(value: object, record_no: int, prefix: str, clean: bool) -> _Item | Reject:
    where = prefix.rstrip(".") or None
    if not isinstance(value, dict):
        detail = f"expected a resource object, got {type(value).__name__}"
        return make_reject(record_no, where, RejectReason.MALFORMED, json_text(value), detail)
    kind = value.get("kind")
    if kind is None:
        kind = _kind_by_shape(value)
    if kind not in (THREAD, COMMENT, VIDEO, CHANNEL):
        detail = f"kind {str(kind)[:80]!r} is not a comment thread, comment, video or channel"
        return make_reject(record_no, f"{prefix}kind", RejectReason.BAD_VALUE, json_text(value), detail)
    return _Item(record_no, prefix, str(kind), value, clean)


def _kind_by_shape(value: dict) -> str | None:
    snippet = value.get("snippet")
    if not isinstance(snippet, dict):
        return None
    if "topLevelComment" in snippet:
        return THREAD
    if "textOriginal" in snippet or "textDisplay" in snippet:
        return COMMENT
    if "title" in snippet and "channelId" in snippet:
        return VIDEO
    return None


# -- building records ------------------------------------------------------------------------------


def _thread(item: _Item, index: _Index, seen: SeenAccounts) -> Iterator[Record]:
    """The top-level comment and the replies of one thread, each rejected on its own."""
    thread = item.value
    try:
        snippet = json_object(thread.get("snippet"), "snippet")
        checked_object({"id": thread.get("id"), "snippet": {**snippet, "topLevelComment": None}}, item.clean)
        top = snippet.get("topLevelComment")
        if not isinstance(top, dict):
            raise FieldError(
                "snippet.topLevelComment", RejectReason.MISSING_FIELD, "snippet.topLevelComment is absent"
            )
        context = _Context(
            video_id=_id_text(snippet.get("videoId"), "snippet.videoId"),
            channel_id=_id_text(snippet.get("channelId"), "snippet.channelId"),
            reply_count=field_count(snippet.get("totalReplyCount"), "snippet.totalReplyCount"),
        )
        replies = thread.get("replies")
        if replies is not None and not isinstance(json_object(replies, "replies").get("comments", []), list):
            raise FieldError("replies.comments", RejectReason.BAD_VALUE, "replies.comments: not a list")
    except FieldError as exc:
        yield exc.reject(item.record_no, json_text(thread), item.prefix)
        return
    yield from _resource_records(item, f"{item.prefix}snippet.topLevelComment.", top, context, index, seen)
    top_id = top["id"].strip() or None if isinstance(top.get("id"), str) else None
    reply_context = _Context(video_id=context.video_id, channel_id=context.channel_id, parent_id=top_id)
    for i, reply in enumerate(_replies(thread)):
        yield from _resource_records(
            item, f"{item.prefix}replies.comments[{i}].", reply, reply_context, index, seen
        )


def _resource_records(
    item: _Item,
    prefix: str,
    value: object,
    context: _Context | None,
    index: _Index,
    seen: SeenAccounts,
) -> Iterator[Record]:
    """One comment (`context` given), video or channel as records, or its reject."""
    try:
        resource = checked_object(value, item.clean)
        if context is not None:
            records = _comment(resource, item.record_no, context, index)
        elif item.kind == VIDEO:
            records = _video(resource, item.record_no)
        else:
            records = (_channel(resource, item.record_no), None)
    except FieldError as exc:
        yield exc.reject(item.record_no, json_text(value), prefix)
        return
    account, post = records
    if seen.first(account):
        yield account
    if post is not None:
        yield post


def _comment(comment: dict, record_no: int, context: _Context, index: _Index) -> tuple[Account, Post]:
    snippet = json_object(comment.get("snippet"), "snippet")
    comment_id = required(_id_text(comment.get("id"), "id"), "id")
    author_field = "snippet.authorChannelId.value"
    author_id = required(_author_id(snippet.get("authorChannelId")), author_field)
    name = field_text(snippet.get("authorDisplayName"), "snippet.authorDisplayName")
    video_id = _id_text(snippet.get("videoId"), "snippet.videoId") or context.video_id
    channel_id = _id_text(snippet.get("channelId"), "snippet.channelId") or context.channel_id
    parent_id = _id_text(snippet.get("parentId"), "snippet.parentId") or context.parent_id
    if parent_id:
        reply_to, reply_to_account = parent_id, index.author(parent_id)
    else:
        reply_to, reply_to_account = video_id, channel_id or index.author(video_id)
    text = snippet.get("textOriginal")
    account = Account(
        platform=PLATFORM,
        account_id=author_id,
        handle=name.strip().removeprefix("@") if name and name.strip().startswith("@") else None,
        display_name=name,
        profile_url=field_text(snippet.get("authorChannelUrl"), "snippet.authorChannelUrl"),
        source_record=record_no,
    )
    post = Post(
        platform=PLATFORM,
        post_id=comment_id,
        account_id=author_id,
        created_at=field_timestamp(snippet.get("publishedAt"), "snippet.publishedAt"),
        text=field_text(text if text is not None else snippet.get("textDisplay"), "snippet.textOriginal"),
        reply_to_post_id=reply_to,
        reply_to_account_id=reply_to_account,
        conversation_id=video_id or parent_id or comment_id,
        like_count=field_count(snippet.get("likeCount"), "snippet.likeCount"),
        reply_count=None if parent_id else context.reply_count,
        source_record=record_no,
    )
    return account, post


def _video(video: dict, record_no: int) -> tuple[Account, Post]:
    snippet = json_object(video.get("snippet"), "snippet")
    statistics = json_object(video.get("statistics"), "statistics")
    channel_id = required(_id_text(snippet.get("channelId"), "snippet.channelId"), "snippet.channelId")
    parts = [field_text(snippet.get(name), f"snippet.{name}") for name in ("title", "description")]
    lang = snippet.get("defaultLanguage") or snippet.get("defaultAudioLanguage")
    account = Account(
        platform=PLATFORM,
        account_id=channel_id,
        display_name=field_text(snippet.get("channelTitle"), "snippet.channelTitle"),
        source_record=record_no,
    )
    post = Post(
        platform=PLATFORM,
        post_id=required(_id_text(video.get("id"), "id"), "id"),
        account_id=channel_id,
        created_at=field_timestamp(snippet.get("publishedAt"), "snippet.publishedAt"),
        text="\n\n".join(part for part in parts if part) or None,
        lang=field_text(lang, "snippet.defaultLanguage"),
        like_count=field_count(statistics.get("likeCount"), "statistics.likeCount"),
        reply_count=field_count(statistics.get("commentCount"), "statistics.commentCount"),
        view_count=field_count(statistics.get("viewCount"), "statistics.viewCount"),
        source_record=record_no,
    )
    return account, post


def _channel(channel: dict, record_no: int) -> Account:
    snippet = json_object(channel.get("snippet"), "snippet")
    statistics = json_object(channel.get("statistics"), "statistics")
    handle = field_text(snippet.get("customUrl"), "snippet.customUrl")
    return Account(
        platform=PLATFORM,
        account_id=required(_id_text(channel.get("id"), "id"), "id"),
        handle=handle.strip().removeprefix("@") if handle else None,
        display_name=field_text(snippet.get("title"), "snippet.title"),
        created_at=optional_timestamp(snippet.get("publishedAt"), "snippet.publishedAt"),
        declared_lang=field_text(snippet.get("defaultLanguage"), "snippet.defaultLanguage"),
        followers=field_count(statistics.get("subscriberCount"), "statistics.subscriberCount"),
        bio=field_text(snippet.get("description"), "snippet.description"),
        location=field_text(snippet.get("country"), "snippet.country"),
        source_record=record_no,
    )


# -- small readers ---------------------------------------------------------------------------------


def _id_text(value: object, name: str) -> str | None:
    """An id: a non-blank string (numbers are not YouTube ids)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise FieldError(name, RejectReason.BAD_VALUE, f"{name}: expected an id string")
    return value.strip()


def _author_id(value: object) -> str | None:
    """`authorChannelId` is `{"value": id}`; older responses give the id as a plain string."""
    if isinstance(value, dict):
        value = value.get("value")
    return _id_text(value, "snippet.authorChannelId.value")


def _replies(thread: dict) -> list:
    replies = thread.get("replies")
    comments = replies.get("comments") if isinstance(replies, dict) else None
    return comments if isinstance(comments, list) else []


def _get(value: dict, *path: str) -> object:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
