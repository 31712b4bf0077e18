"""Bluesky as public AppView API responses: app.bsky.feed.getAuthorFeed pages, one response per line.

Every post is a feed item `{"post": PostView}`; a retweet is a repost, a feed item whose `reason`
(app.bsky.feed.defs#reasonRepost) names the reposter and the repost record, beside the reposted post's
view as it was written. Record keys are TIDs (base32-sortable microseconds and a clock id), accounts
are DIDs (did:plc); a reply's record points to its parent and root (the same post: every reply
answers an original), a quote embeds a strong reference to its post. Links and hashtags are rich-text
facets with UTF-8 byte offsets, a link also gets an external embed card, images are blobs named by CID.

Reposts repeat their post's view, so the writer keeps each original's view (as JSON text) for the
reposts to come: its memory grows with the originals written, a price only the generator pays.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from unmask.synth.batch import ORIGINAL, QUOTE, REPLY, RETWEET
from unmask.synth.ids import TWITTER_EPOCH_MS
from unmask.synth.platforms.ids import BASE32, mix
from unmask.synth.platforms.view import PlatformView, cursor

FILES = {"bluesky": "bluesky_author_feeds.jsonl"}
PAGE_SIZE = 100
SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"  # TIDs: sorting the text sorts the time
POST, REPOST = "app.bsky.feed.post", "app.bsky.feed.repost"
_TAG = re.compile(r"#(\w+)")


def base32(values: np.ndarray, alphabet: str, width: int) -> list[str]:
    """Big-endian base-32 digits of unsigned 64-bit values (their low 5 * width bits)."""
    if not len(values):
        return []
    chars = np.array(list(alphabet))
    v = values.astype(np.uint64)
    columns = [chars[((v >> np.uint64(5 * k)) & np.uint64(31)).astype(np.int64)] for k in range(width)]
    return np.ascontiguousarray(np.stack(columns[::-1], axis=1)).view(f"<U{width}").ravel().tolist()


def post_ids(ids: np.ndarray, comment: bool) -> list[str]:
    """Record keys: TIDs of the post's time in microseconds and a clock id, both fixed by the id."""
    ms = (ids.astype(np.int64) >> 22) + TWITTER_EPOCH_MS
    noise = mix(ids, "bluesky-tid")
    micros = ms.astype(np.uint64) * np.uint64(1000) + noise % np.uint64(1000)
    clock = (noise >> np.uint64(32)) % np.uint64(1024)
    return base32((micros << np.uint64(10)) | clock, SORTABLE, 13)


def cids(ids: np.ndarray, salt: str) -> list[str]:
    """CIDv1 strings (dag-cbor, sha-256) as the PDS prints them: 'bafyrei' and 52 base32 characters."""
    parts = [base32(mix(ids, f"{salt}{k}"), BASE32, 13) for k in range(4)]
    return ["bafyrei" + "".join(p) for p in zip(*parts, strict=True)]


def bluesky_handle(handle: str) -> str:
    """A handle as a bsky.social subdomain (lower case, hyphens for underscores)."""
    return handle.lower().replace("_", "-").strip("-") + ".bsky.social"


def facets(text: str, url: str | None) -> list[dict]:
    """Link and tag facets, each with the UTF-8 byte range it covers in the text."""
    tag = "app.bsky.richtext.facet#tag"
    spans = [(m.start(), m.end(), {"$type": tag, "tag": m[1]}) for m in _TAG.finditer(text)]
    if url and (at := text.find(url)) >= 0:
        spans.append((at, at + len(url), {"$type": "app.bsky.richtext.facet#link", "uri": url}))
    return [
        {
            "index": {"byteStart": len(text[:start].encode()), "byteEnd": len(text[:end].encode())},
            "features": [feature],
        }
        for start, end, feature in sorted(spans, key=lambda span: span[0])
    ]


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class BlueskyFeedWriter:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / FILES["bluesky"]
        self.files = {"bluesky": self.path}
        self._fh = self.path.open("w", encoding="utf-8", newline="\n")
        self._originals: dict[int, str] = {}  # scenario id of an original -> its PostView as JSON

    def close(self) -> None:
        self._fh.close()

    def write(self, view: PlatformView) -> None:
        b = view.batch
        slice_ = _Slice(view)
        kinds = b.kind.tolist()
        posts = {i: _compact(slice_.post(i)) for i, kind in enumerate(kinds) if kind != RETWEET}
        for i, text in posts.items():  # before the reposts: some repost originals of this very slice
            if kinds[i] == ORIGINAL:
                self._originals[int(b.post_id[i])] = text
        items = [
            '{"post":' + self._originals[int(b.parent[i])] + ',"reason":' + _compact(slice_.reason(i)) + "}"
            if kind == RETWEET
            else '{"post":' + posts[i] + "}"
            for i, kind in enumerate(kinds)
        ]
        for lo in range(0, len(items), PAGE_SIZE):
            last = min(lo + PAGE_SIZE, len(items)) - 1
            page = ",".join(items[lo : last + 1])
            self._fh.write('{"feed":[' + page + '],"cursor":' + _compact(cursor(view.iso[last])) + "}\n")


class _Slice:
    """One slice's columns in Bluesky's shapes: URIs, CIDs, times, and the views built from them."""

    def __init__(self, view: PlatformView) -> None:
        b = view.batch
        self.view = view
        self.cid = cids(b.post_id, "bluesky-post")
        self.blob = cids(b.post_id, "bluesky-blob")
        self.iso = [t + ".000Z" for t in view.iso]
        has_parent = b.parent >= 0
        self.parent_cid = np.full(len(b), None, object)
        self.parent_cid[has_parent] = cids(b.parent[has_parent], "bluesky-post")

    def profile(self, i: int) -> dict:
        v = self.view
        return {
            "did": v.author_id[i],
            "handle": bluesky_handle(v.handle[i]),
            "displayName": v.name[i],
            "labels": [],
            "createdAt": _iso(v.author_created[i]),
        }

    def post(self, i: int) -> dict:
        v, b = self.view, self.view.batch
        kind = int(b.kind[i])
        text, url = v.text[i], v.url[i]
        record: dict = {"$type": POST, "createdAt": self.iso[i], "langs": [v.lang[i]], "text": text}
        if found := facets(text, url):
            record["facets"] = found
        parent = None
        if kind in (REPLY, QUOTE):
            parent = {
                "uri": f"at://{v.parent_author_id[i]}/{POST}/{v.parent_id[i]}",
                "cid": self.parent_cid[i],
            }
        if kind == REPLY:
            record["reply"] = {"root": parent, "parent": parent}
        quoted = parent if kind == QUOTE else None
        if embed := self._embed(i, quoted, None if quoted else url):
            record["embed"] = embed
        return {
            "uri": f"at://{v.author_id[i]}/{POST}/{v.post_id[i]}",
            "cid": self.cid[i],
            "author": self.profile(i),
            "record": record,
            "replyCount": int(b.replies[i]),
            "repostCount": int(b.retweets[i]),
            "likeCount": int(b.likes[i]),
            "quoteCount": int(b.quotes[i]),
            "indexedAt": self.iso[i],
            "labels": [],
        }

    def _embed(self, i: int, quoted: dict | None, url: str | None) -> dict | None:
        """The record's embed: a quoted post (with its images, if any), else images, else a link card."""
        media = None
        if self.view.batch.media[i]:
            blob = {
                "$type": "blob",
                "ref": {"$link": self.blob[i]},
                "mimeType": "image/jpeg",
                "size": 180_000,
            }
            media = {"$type": "app.bsky.embed.images", "images": [{"alt": "", "image": blob}]}
        elif url:
            media = {
                "$type": "app.bsky.embed.external",
                "external": {"uri": url, "title": "", "description": ""},
            }
        if quoted is None:
            return media
        if media is None:
            return {"$type": "app.bsky.embed.record", "record": quoted}
        return {"$type": "app.bsky.embed.recordWithMedia", "record": {"record": quoted}, "media": media}

    def reason(self, i: int) -> dict:
        v = self.view
        return {
            "$type": "app.bsky.feed.defs#reasonRepost",
            "by": self.profile(i),
            "uri": f"at://{v.author_id[i]}/{REPOST}/{v.post_id[i]}",
            "cid": self.cid[i],
            "indexedAt": self.iso[i],
        }
