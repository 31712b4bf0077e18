"""Bluesky post views as the public AppView API returns them (app.bsky.feed.* responses, or JSONL of posts).

Shapes read, one response per file or per line (a JSON array of them works too):

- getAuthorFeed / getTimeline / getFeed: `{"feed": [{"post": PostView, "reply": {"root": PostView,
  "parent": PostView}, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": author, "uri"?,
  "indexedAt"}}], "cursor"}`;
- searchPosts / getPosts: `{"posts": [PostView], "cursor"?, "hitsTotal"?}`;
- getPostThread: `{"thread": {"post": PostView, "parent": thread node, "replies": [thread node]}}`;
- one PostView, or one feed item `{"post": PostView, ...}`, per line.

A PostView is `{"uri": "at://<did>/app.bsky.feed.post/<rkey>", "cid", "author": {"did", "handle",
"displayName", "avatar", "createdAt"}, "record": {"text", "createdAt", "langs", "reply": {"parent": {"uri"},
"root": {"uri"}}, "facets": [{"features": [{"$type": "app.bsky.richtext.facet#link", "uri"} | {"...#tag",
"tag"} | {"...#mention", "did"}]}], "tags", "embed"}, "embed" (the hydrated view), "likeCount",
"repostCount", "replyCount", "quoteCount", "indexedAt"}`. A quoted post hydrated in `embed.record` (a
viewRecord, whose record is in `value`) is read as a post too. notFoundPost / blockedPost nodes are skipped.

Mapping. post_id is the whole at:// URI (an rkey is unique only within its repo); account_id is the author's
DID (handles change). created_at is record.createdAt (indexedAt when the record has none). A reply answers
record.reply.parent.uri, and reply_to_account_id is the DID inside that URI; the conversation is the root's
URI (a post that replies to nothing is its own root). A record embed of a post makes a quote. urls: link
facets, then the external embed's uri; hashtags: tag facets and record.tags; mentions: mentioned DIDs; media:
the blob CIDs of embedded images and video (content addresses: the same file gives the same CID on any
account). A feed item's repost reason becomes a post of the reposting account (created at the reason's
indexedAt) reposting the post; its id is the repost record's URI when the reason gives it, else
"repost:<reposter did>:<post uri>" (an account can hold one repost of a post at a time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from unmask.ingest.json_fields import (
    json_object,
    json_objects,
    read_objects,
    reject_value,
)
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
from unmask.ingest.tiktok import string_list

_KEYS = (re.compile(r'"uri"\s*:\s*"at://'), re.compile(r'"cid"\s*:'))
_POST_COLLECTION = "/app.bsky.feed.post/"
_SKIPPED = ("#notFoundPost", "#blockedPost")
POST, REPOST = "post", "repost"


class BlueskyLayout:
    name = "bluesky"
    platform = "bluesky"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = decoded_head(head).lstrip()
        return text[:1] in ("{", "[") and all(key.search(text) for key in _KEYS)

    def read(self, path: Path) -> Iterator[Record]:
        return read_objects(path, _views, _records)


def _records(kind: str | None, record_no: int, view: dict) -> tuple[Account, Post]:
    repost = kind == REPOST
    author, post = _repost(view) if repost else _post(view)
    account = _account(author, "by." if repost else "author.", record_no)
    post.source_record = record_no
    return account, post


View = tuple[str, str, object]  # (field prefix, POST or REPOST, the object to read)


def _views(value: object, record_no: int) -> Iterator[View | Reject]:
    """Every post view and repost in a response (or in each element of an array of them)."""
    top = [(f"[{i}].", v) for i, v in enumerate(value)] if isinstance(value, list) else [("", value)]
    for where, node in top:
        if not isinstance(node, dict):
            yield where, POST, node  # rejected as not an object
        elif "feed" in node or "posts" in node:
            key = "feed" if "feed" in node else "posts"
            if not isinstance(node[key], list):
                yield reject_value(record_no, f"{where}{key}", node[key], "not a list")
                continue
            for i, entry in enumerate(node[key]):
                yield from _entry(entry, f"{where}{key}[{i}].")
        elif "thread" in node:
            yield from _thread(node["thread"], f"{where}thread.")
        else:
            yield from _entry(node, where)


def _entry(entry: object, where: str) -> Iterator[View]:
    """A feed item (its post, the posts it replies to, the repost that put it in the feed) or a post view."""
    if not isinstance(entry, dict) or "uri" in entry or not isinstance(entry.get("post"), dict):
        yield from _post_and_quote(entry, where)
        return
    yield from _post_and_quote(entry["post"], f"{where}post.")
    reply = entry.get("reply") if isinstance(entry.get("reply"), dict) else {}
    parent, root = reply.get("parent"), reply.get("root")
    if isinstance(parent, dict):
        yield from _post_and_quote(parent, f"{where}reply.parent.")
    if isinstance(root, dict) and not (isinstance(parent, dict) and root.get("uri") == parent.get("uri")):
        yield from _post_and_quote(root, f"{where}reply.root.")
    reason = entry.get("reason")
    if isinstance(reason, dict) and str(reason.get("$type", "")).endswith("#reasonRepost"):
        yield f"{where}reason.", REPOST, {**reason, "post": entry["post"]}


def _thread(node: object, where: str) -> Iterator[View]:
    """Every post of a getPostThread tree, walked without recursion (threads can be deep)."""
    stack = [(where, node)]
    while stack:
        at, current = stack.pop()
        if not isinstance(current, dict) or _skipped(current):
            continue
        if "post" in current:
            yield from _post_and_quote(current["post"], f"{at}post.")
        replies = current.get("replies")
        if isinstance(replies, list):
            stack.extend((f"{at}replies[{i}].", r) for i, r in reversed(list(enumerate(replies))))
        if isinstance(current.get("parent"), dict):  # on top: the parents are read before the replies
            stack.append((f"{at}parent.", current["parent"]))


def _post_and_quote(view: object, where: str) -> Iterator[View]:
    """A post view, then the quoted post hydrated in its embed (a viewRecord), if any."""
    if not isinstance(view, dict):
        yield where, POST, view
        return
    if _skipped(view):
        return
    yield where, POST, view
    quoted = _obj_or_none(view.get("embed"), "record")
    if isinstance(quoted, dict) and isinstance(quoted.get("record"), dict):  # recordWithMedia#view
        quoted, where = quoted["record"], f"{where}embed.record."
    if isinstance(quoted, dict) and str(quoted.get("$type", "")).endswith("#viewRecord"):
        yield f"{where}embed.record.", POST, quoted


def _obj_or_none(value: object, key: str) -> object:
    return value.get(key) if isinstance(value, dict) else None


def _skipped(view: dict) -> bool:
    """notFoundPost and blockedPost stand in for posts the AppView cannot show."""
    kind = str(view.get("$type", ""))
    return kind.endswith(_SKIPPED) or view.get("notFound") is True or view.get("blocked") is True


def _account(author: dict, prefix: str, record_no: int) -> Account:
    return Account(
        platform=BlueskyLayout.platform,
        account_id=required(author.get("did"), f"{prefix}did"),
        handle=field_text(author.get("handle"), f"{prefix}handle"),
        display_name=field_text(author.get("displayName"), f"{prefix}displayName"),
        created_at=optional_timestamp(author.get("createdAt"), f"{prefix}createdAt"),
        source_record=record_no,
    )


def _post(view: dict) -> tuple[dict, Post]:
    author = json_object(view.get("author"), "author")
    uri = _at_uri(view.get("uri"), "uri")
    record = json_object(view.get("record", view.get("value")), "record")
    when, field = record.get("createdAt"), "record.createdAt"
    if when in (None, "") and view.get("indexedAt") not in (None, ""):
        when, field = view["indexedAt"], "indexedAt"
    reply = json_object(record.get("reply"), "record.reply")
    parent = _ref(reply, "parent")
    embed = json_object(record.get("embed"), "record.embed")
    media = json_object(embed.get("media"), "record.embed.media") or embed
    external = json_object(media.get("external"), "record.embed.external")
    links, tags, mentions = _facets(record)
    return author, Post(
        platform=BlueskyLayout.platform,
        post_id=uri,
        account_id=required(author.get("did"), "author.did"),
        created_at=field_timestamp(when, field),
        text=field_text(record.get("text"), "record.text"),
        lang=next(iter(string_list(record.get("langs"), "record.langs")), None),
        reply_to_post_id=parent,
        reply_to_account_id=_repo_did(parent),
        quote_of_post_id=_quoted(embed),
        conversation_id=_ref(reply, "root") or uri,
        urls=_unique(links + string_list([external.get("uri")], "record.embed.external.uri")),
        hashtags=_unique(tags + string_list(record.get("tags"), "record.tags")),
        mentions=_unique(mentions),
        media=_blobs(media),
        like_count=field_count(view.get("likeCount"), "likeCount"),
        repost_count=field_count(view.get("repostCount"), "repostCount"),
        reply_count=field_count(view.get("replyCount"), "replyCount"),
        quote_count=field_count(view.get("quoteCount"), "quoteCount"),
    )


def _repost(reason: dict) -> tuple[dict, Post]:
    by = json_object(reason.get("by"), "by")
    reposter = required(by.get("did"), "by.did")
    post = json_object(reason.get("post"), "post")
    original = _at_uri(post.get("uri"), "post.uri")
    uri = field_text(reason.get("uri"), "uri")
    original_author = json_object(post.get("author"), "post.author").get("did")
    return by, Post(
        platform=BlueskyLayout.platform,
        post_id=uri or f"repost:{reposter}:{original}",
        account_id=reposter,
        created_at=field_timestamp(reason.get("indexedAt"), "indexedAt"),
        repost_of_post_id=original,
        repost_of_account_id=field_text(original_author, "post.author.did"),
    )


def _at_uri(value: object, field: str) -> str:
    uri = required(value, field)
    if not uri.startswith("at://"):
        raise FieldError(field, RejectReason.BAD_VALUE, f"{field}: {uri[:80]!r} is not an at:// URI")
    return uri


def _ref(reply: dict, end: str) -> str | None:
    """The URI of a reply's parent or root (a strong ref `{"uri", "cid"}`)."""
    field = f"record.reply.{end}"
    return field_text(json_object(reply.get(end), field).get("uri"), f"{field}.uri")


def _repo_did(uri: str | None) -> str | None:
    """The DID naming the repository in an at:// URI: the account that wrote the record."""
    authority = uri.removeprefix("at://").split("/", 1)[0] if uri and uri.startswith("at://") else ""
    return authority if authority.startswith("did:") else None


def _quoted(embed: dict) -> str | None:
    ref = json_object(embed.get("record"), "record.embed.record")
    if "record" in ref:  # app.bsky.embed.recordWithMedia: {"record": {"record": strong ref}, "media"}
        ref = json_object(ref["record"], "record.embed.record.record")
    uri = field_text(ref.get("uri"), "record.embed.record.uri")
    return uri if uri and _POST_COLLECTION in uri else None


def _facets(record: dict) -> tuple[list[str], list[str], list[str]]:
    """Links, tags and mentioned DIDs of a post's rich-text facets, in text order."""
    links: list[str] = []
    tags: list[str] = []
    mentions: list[str] = []
    wanted = {"#link": ("uri", links), "#tag": ("tag", tags), "#mention": ("did", mentions)}
    for i, facet in enumerate(json_objects(record.get("facets"), "record.facets")):
        where = f"record.facets[{i}].features"
        for feature in json_objects(facet.get("features"), where):
            kind = str(feature.get("$type", ""))
            for suffix, (key, values) in wanted.items():
                if kind.endswith(suffix) and (value := field_text(feature.get(key), where)):
                    values.append(value)
    return links, tags, mentions


def _blobs(media: dict) -> list[str]:
    """CIDs of the image and video blobs a post embeds (`ref.$link`, or `cid` in legacy blobs)."""
    images = json_objects(media.get("images"), "record.embed.images")
    blobs = [json_object(image.get("image"), "record.embed.images.image") for image in images]
    if "video" in media:
        blobs.append(json_object(media["video"], "record.embed.video"))
    refs = [
        json_object(blob.get("ref"), "record.embed.ref").get("$link") or blob.get("cid") for blob in blobs
    ]
    return string_list(refs, "record.embed.ref")


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
