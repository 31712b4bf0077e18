"""Facebook as Meta Content Library API responses: posts and the comments under them, one page per line.

Posts carry `post_owner` (a page for politicians, a profile for everyone else), reshares carry
`shared_post_id` (with the sharer's words, if any, as text), comments carry `owner`, `post_id` and
no parent comment (every comment answers a post). Times are ISO 8601 with a +0000 offset.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from unmask.synth.batch import QUOTE, REPLY, RETWEET
from unmask.synth.platforms.ids import numeric_ids
from unmask.synth.platforms.view import JsonLines, PlatformView, cursor, pages

PAGE_SIZE = 100
FILE = "facebook_mcl.jsonl"


def post_ids(ids: np.ndarray, comment: bool) -> list[str]:
    return numeric_ids(ids, "facebook-comment" if comment else "facebook-post", 16)


class MetaContentLibraryWriter:
    def __init__(self, out_dir: Path) -> None:
        self._out = JsonLines(out_dir / FILE)
        self.files = {"facebook": self._out.path}

    def close(self) -> None:
        self._out.close()

    def write(self, view: PlatformView) -> None:
        b = view.batch
        with_media = np.flatnonzero(b.media)
        media = dict(
            zip(with_media.tolist(), numeric_ids(b.post_id[with_media], "facebook-media", 16), strict=True)
        )
        records = [
            _comment(view, i) if kind == REPLY else _post(view, i, kind, media.get(i))
            for i, kind in enumerate(b.kind.tolist())
        ]
        for page in pages(records, PAGE_SIZE):
            self._out.write({"data": page, "paging": {"cursors": {"after": cursor(page[-1]["id"])}}})


def _owner(view: PlatformView, i: int) -> dict:
    return {
        "id": view.author_id[i],
        "name": view.name[i],
        "username": view.handle[i],
        "type": "page" if view.official[i] else "profile",
    }


def _post(view: PlatformView, i: int, kind: int, media: str | None) -> dict:
    b = view.batch
    record = {
        "id": view.post_id[i],
        "creation_time": view.iso[i] + "+0000",
        "text": None if kind == RETWEET else view.text[i],
        "lang": view.lang[i],
        "post_owner": _owner(view, i),
        "is_branded_content": False,
        "statistics": {
            "reaction_count": int(b.likes[i]),
            "comment_count": int(b.replies[i]),
            "share_count": int(b.retweets[i] + b.quotes[i]),
            "views": int(b.likes[i]) * 12 + int(b.replies[i]) * 30,
        },
    }
    if kind in (RETWEET, QUOTE):
        record["shared_post_id"] = view.parent_id[i]
    if view.url[i] and kind not in (RETWEET, QUOTE):
        record["link_attachment"] = {"link": view.url[i]}
    if media:
        record["multimedia"] = [{"type": "photo", "id": media}]
    return record


def _comment(view: PlatformView, i: int) -> dict:
    b = view.batch
    return {
        "id": view.post_id[i],
        "creation_time": view.iso[i] + "+0000",
        "text": view.text[i],
        "lang": view.lang[i],
        "owner": _owner(view, i),
        "post_id": view.parent_id[i],
        "statistics": {"reaction_count": int(b.likes[i]), "comment_count": int(b.replies[i])},
    }
