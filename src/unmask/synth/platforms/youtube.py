"""YouTube as Data API v3 list responses: `videos` for originals, `commentThreads` for the comments.

Each line of a file is one response page. A video's title is its text up to a word break near 100
characters and the description the rest, so title and description together read as the original text.
Comments are top-level comments of threads on their video (no replies inside threads: every comment
in the scenario answers a video), with `authorDisplayName` the `@handle`, as the API gives it since
handles came in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from unmask.synth.batch import ORIGINAL
from unmask.synth.platforms.ids import BASE64URL, encode, mix
from unmask.synth.platforms.view import JsonLines, PlatformView, cursor, pages

VIDEO_PAGE, THREAD_PAGE = 50, 100
TITLE_LENGTH = 100
FILES = {"youtube_videos": "youtube_videos.jsonl", "youtube_comments": "youtube_comment_threads.jsonl"}


def post_ids(ids: np.ndarray, comment: bool) -> list[str]:
    if comment:
        return ["Ug" + c + "4AaABAg" for c in encode(mix(ids, "youtube-comment"), BASE64URL, 17)]
    return encode(mix(ids, "youtube-video"), BASE64URL, 11)


def split_title(text: str) -> tuple[str, str]:
    """(title, description): the text cut at the last space within TITLE_LENGTH characters."""
    if len(text) <= TITLE_LENGTH:
        return text, ""
    cut = text.rfind(" ", 0, TITLE_LENGTH)
    cut = cut if cut > 0 else TITLE_LENGTH
    return text[:cut], text[cut:].lstrip()


class YouTubeWriter:
    def __init__(self, out_dir: Path) -> None:
        self._videos = JsonLines(out_dir / FILES["youtube_videos"])
        self._threads = JsonLines(out_dir / FILES["youtube_comments"])
        self.files = {"youtube_videos": self._videos.path, "youtube_comments": self._threads.path}

    def close(self) -> None:
        self._videos.close()
        self._threads.close()

    def write(self, view: PlatformView) -> None:
        original = view.batch.kind == ORIGINAL
        videos = [_video(view, i) for i in np.flatnonzero(original).tolist()]
        threads = [_thread(view, i) for i in np.flatnonzero(~original).tolist()]
        for page in pages(videos, VIDEO_PAGE):
            self._videos.write(_response("youtube#videoListResponse", page, VIDEO_PAGE))
        for page in pages(threads, THREAD_PAGE):
            self._threads.write(_response("youtube#commentThreadListResponse", page, THREAD_PAGE))


def _response(kind: str, items: list[dict], per_page: int) -> dict:
    return {
        "kind": kind,
        "etag": cursor(items[0]["id"]),
        "nextPageToken": cursor(items[-1]["id"]),
        "pageInfo": {"totalResults": len(items), "resultsPerPage": per_page},
        "items": items,
    }


def _video(view: PlatformView, i: int) -> dict:
    b = view.batch
    title, description = split_title(view.text[i])
    if view.url[i] and view.url[i] not in description:
        description = f"{description}\n{view.url[i]}".strip()
    return {
        "kind": "youtube#video",
        "etag": cursor(view.post_id[i]),
        "id": view.post_id[i],
        "snippet": {
            "publishedAt": view.iso[i] + "Z",
            "channelId": view.author_id[i],
            "title": title,
            "description": description,
            "channelTitle": view.name[i],
            "categoryId": "25",
            "liveBroadcastContent": "none",
            "defaultAudioLanguage": view.lang[i],
        },
        "statistics": {
            "viewCount": str(int(b.likes[i]) * 40 + int(b.replies[i]) * 90),
            "likeCount": str(int(b.likes[i])),
            "favoriteCount": "0",
            "commentCount": str(int(b.replies[i])),
        },
    }


def _thread(view: PlatformView, i: int) -> dict:
    b = view.batch
    video, channel = view.parent_id[i], view.parent_author_id[i]
    comment = {
        "kind": "youtube#comment",
        "etag": cursor(view.post_id[i]),
        "id": view.post_id[i],
        "snippet": {
            "channelId": channel,
            "videoId": video,
            "textDisplay": view.text[i],
            "textOriginal": view.text[i],
            "authorDisplayName": "@" + view.handle[i],
            "authorProfileImageUrl": f"https://yt3.ggpht.com/ytc/{view.author_id[i][2:]}=s48-c-k-c0x00ffffff-no-rj",
            "authorChannelUrl": "http://www.youtube.com/@" + view.handle[i],
            "authorChannelId": {"value": view.author_id[i]},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": int(b.likes[i]),
            "publishedAt": view.iso[i] + "Z",
            "updatedAt": view.iso[i] + "Z",
        },
    }
    return {
        "kind": "youtube#commentThread",
        "etag": cursor(view.post_id[i] + "t"),
        "id": view.post_id[i],
        "snippet": {
            "channelId": channel,
            "videoId": video,
            "topLevelComment": comment,
            "canReply": True,
            "totalReplyCount": 0,
            "isPublic": True,
        },
    }
