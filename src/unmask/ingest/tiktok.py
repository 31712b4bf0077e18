"""TikTok Research API responses: video queries and video comment lists.

Shapes read: one response per file (compact or pretty-printed), a JSON array of responses, or JSONL with one
response per line; bare video or comment objects (one per line, or in an array) work too.

- video query: `{"data": {"videos": [video], "cursor", "has_more", "search_id"}, "error": {"code", "message",
  "log_id"}}`, a video being `{"id", "username", "create_time" (epoch seconds), "region_code",
  "video_description", "hashtag_names": [str], "hashtag_info_list": [{"hashtag_name"}], "video_mention_list":
  [str], "like_count", "comment_count", "share_count", "view_count", "music_id", "voice_to_text", ...}`;
- comment list: `{"data": {"comments": [comment], "cursor", "has_more"}, "error"}`, a comment being
  `{"id", "video_id", "text", "parent_comment_id", "like_count", "reply_count", "create_time", "username"?}`.
  A bare object is a comment when it has `video_id` or `parent_comment_id`, else a video.

Mapping. Accounts are keyed by username (the only author field the API gives); region_code, the country the
account registered in, is the account's location. A video's text is its video_description (voice_to_text,
the spoken words, has no canonical field and is dropped); hashtag_names (else hashtag_info_list) are its
hashtags, video_mention_list its mentions; comment_count is reply_count, share_count repost_count. A comment
replies to parent_comment_id (the video for top-level comments, where the API repeats the video id) and
belongs to the conversation of its video_id; reply_to_account_id is filled when that video or comment was
read earlier in the file. The Research API strips commenters' identity from comments: a comment without
username cannot be linked to an account and is rejected as missing_field on `username`. A response whose
error.code is not "ok" is rejected as bad_value on `error` (its data, if any, is still read).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from unmask.ingest.json_fields import json_objects, read_objects, reject_value
from unmask.ingest.parsing import (
    FieldError,
    decoded_head,
    field_count,
    field_text,
    field_timestamp,
    json_text,
    make_reject,
    required,
)
from unmask.ingest.records import Account, Post, Record, Reject, RejectReason
from unmask.ingest.reddit import RecentAuthors

_FIELDS = re.compile(
    r'"(?:video_description|hashtag_names|hashtag_info_list|video_mention_list|music_id|voice_to_text'
    r'|parent_comment_id)"\s*:'
)
_PAGE = (re.compile(r'"(?:videos|comments)"\s*:\s*\['), re.compile(r'"has_more"\s*:'))
VIDEO, COMMENT = "videos", "comments"


class TikTokLayout:
    name = "tiktok"
    platform = "tiktok"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = decoded_head(head).lstrip()
        if text[:1] not in ("{", "["):
            return False
        return bool(_FIELDS.search(text)) or all(marker.search(text) for marker in _PAGE)

    def read(self, path: Path) -> Iterator[Record]:
        authors = RecentAuthors()

        def records(kind: str | None, record_no: int, value: dict) -> tuple[Account, Post]:
            post = _video(value) if kind == VIDEO else _comment(value, authors)
            account = Account(
                platform=self.platform,
                account_id=post.account_id,
                handle=post.account_id,
                location=field_text(value.get("region_code"), "region_code"),
                source_record=record_no,
            )
            post.source_record = record_no
            authors.add(post.post_id, post.account_id)
            return account, post

        return read_objects(path, _objects, records)


def _objects(value: object, record_no: int) -> Iterator[tuple[str, str, object] | Reject]:
    """(field prefix, VIDEO or COMMENT, object) for each video and comment of a response or bare object."""
    top = [(f"[{i}].", v) for i, v in enumerate(value)] if isinstance(value, list) else [("", value)]
    for where, node in top:
        if not isinstance(node, dict) or "data" not in node:
            yield where, _kind_of(node), node
            continue
        error = node.get("error")
        if isinstance(error, dict) and error.get("code") not in (None, "ok"):
            detail = f"{where}error: the API answered {error.get('code')!r}: {error.get('message')!r}"
            yield make_reject(record_no, f"{where}error", RejectReason.BAD_VALUE, json_text(error), detail)
        data = node["data"]
        if not isinstance(data, dict):
            if data is not None:
                yield reject_value(record_no, f"{where}data", data, "not an object")
            continue
        for kind in (VIDEO, COMMENT):
            field = f"{where}data.{kind}"
            if isinstance(data.get(kind), list):
                yield from ((f"{field}[{i}].", kind, obj) for i, obj in enumerate(data[kind]))
            elif data.get(kind) is not None:
                yield reject_value(record_no, field, data[kind], "not a list")


def _kind_of(value: object) -> str:
    if isinstance(value, dict) and ("video_id" in value or "parent_comment_id" in value):
        return COMMENT
    return VIDEO


def _video(video: dict) -> Post:
    hashtags = video.get("hashtag_names")
    if hashtags is None:
        listed = json_objects(video.get("hashtag_info_list"), "hashtag_info_list")
        hashtags = [tag.get("hashtag_name") for tag in listed]
    return Post(
        platform=TikTokLayout.platform,
        post_id=required(video.get("id"), "id"),
        account_id=required(video.get("username"), "username"),
        created_at=field_timestamp(video.get("create_time"), "create_time"),
        text=field_text(video.get("video_description"), "video_description"),
        hashtags=string_list(hashtags, "hashtag_names"),
        mentions=string_list(video.get("video_mention_list"), "video_mention_list"),
        like_count=field_count(video.get("like_count"), "like_count"),
        reply_count=field_count(video.get("comment_count"), "comment_count"),
        repost_count=field_count(video.get("share_count"), "share_count"),
        view_count=field_count(video.get("view_count"), "view_count"),
    )


def _comment(comment: dict, authors: RecentAuthors) -> Post:
    if field_text(comment.get("username"), "username") is None:
        raise FieldError(
            "username",
            RejectReason.MISSING_FIELD,
            "username is absent: Research API comments carry no author, so this one links to no account",
        )
    video_id = required(comment.get("video_id"), "video_id")
    parent = field_text(comment.get("parent_comment_id"), "parent_comment_id") or video_id
    return Post(
        platform=TikTokLayout.platform,
        post_id=required(comment.get("id"), "id"),
        account_id=required(comment.get("username"), "username"),
        created_at=field_timestamp(comment.get("create_time"), "create_time"),
        text=field_text(comment.get("text"), "text"),
        reply_to_post_id=parent,
        reply_to_account_id=authors.get(parent),
        conversation_id=video_id,
        like_count=field_count(comment.get("like_count"), "like_count"),
        reply_count=field_count(comment.get("reply_count"), "reply_count"),
    )


def string_list(value: object, field: str) -> list[str]:
    """The non-blank strings of a JSON list (numbers become text); None is empty, a non-list a bad value."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(field, RejectReason.BAD_VALUE, f"{field}: not a list")
    return [text for item in value if (text := field_text(item, field))]
