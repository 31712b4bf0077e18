"""TikTok as Research API video query responses, one response per line.

Only videos: the Research API's comment lists carry no commenter, so comments could not be tied to
accounts (unmask rejects them) and the scenario writes none. A video's description is the post's text;
its hashtags are listed apart, as the API does.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from unmask.synth.platforms.ids import numeric_ids
from unmask.synth.platforms.view import JsonLines, PlatformView, cursor, pages

PAGE_SIZE = 100
FILES = {"tiktok": "tiktok_videos.jsonl"}
_HASHTAG = re.compile(r"#(\w+)")


def post_ids(ids: np.ndarray, comment: bool) -> list[str]:
    return numeric_ids(ids, "tiktok-comment" if comment else "tiktok-video", 19)


class ResearchApiWriter:
    def __init__(self, out_dir: Path) -> None:
        self._out = JsonLines(out_dir / FILES["tiktok"])
        self.files = {"tiktok": self._out.path}

    def close(self) -> None:
        self._out.close()

    def write(self, view: PlatformView) -> None:
        b = view.batch
        videos = [
            {
                "id": int(view.post_id[i]),
                "username": view.handle[i],
                "create_time": int(b.t[i]),
                "region_code": "CA",
                "video_description": view.text[i],
                "hashtag_names": _HASHTAG.findall(view.text[i]),
                "like_count": int(b.likes[i]),
                "comment_count": int(b.replies[i]),
                "share_count": int(b.retweets[i]),
                "view_count": int(b.likes[i]) * 25 + 40,
            }
            for i in range(view.n)
        ]
        for page in pages(videos, PAGE_SIZE):
            last = str(page[-1]["id"])
            self._out.write(
                {
                    "data": {
                        "videos": page,
                        "cursor": len(page),
                        "has_more": True,
                        "search_id": cursor(last),
                    },
                    "error": {"code": "ok", "message": "", "log_id": cursor(last[::-1])},
                }
            )
