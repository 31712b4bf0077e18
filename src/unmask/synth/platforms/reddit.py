"""Reddit as Arctic Shift dumps: NDJSON of submissions (RS) and of comments (RC), one thing per line.

Originals are submissions in a Canadian subreddit (a link post when they share a link, else a self
post: the title is the text up to a word break, the selftext the rest); comments answer their
submission (parent_id = link_id = "t3_<id>"). Every thing carries the author's username, fullname and
account creation time, as the dumps do.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from unmask.synth.batch import ORIGINAL
from unmask.synth.platforms.ids import BASE36, encode, mix, unit_floats
from unmask.synth.platforms.view import JsonLines, PlatformView
from unmask.synth.platforms.youtube import split_title

FILES = {"reddit_submissions": "reddit_submissions.ndjson", "reddit_comments": "reddit_comments.ndjson"}
SUBREDDITS = (
    ("canada", "t5_2qh68"),
    ("CanadaPolitics", "t5_2s4gt"),
    ("onguardforthee", "t5_3fcol"),
    ("Quebec", "t5_2qhh9"),
    ("toronto", "t5_2qi63"),
    ("vancouver", "t5_2qhov"),
)
RETRIEVED = 1_696_291_200  # 2023-10-03: when the month's dump was taken


def post_ids(ids: np.ndarray, comment: bool) -> list[str]:
    return encode(mix(ids, "reddit-comment" if comment else "reddit-submission"), BASE36, 7)


class ArcticShiftWriter:
    def __init__(self, out_dir: Path) -> None:
        self._submissions = JsonLines(out_dir / FILES["reddit_submissions"])
        self._comments = JsonLines(out_dir / FILES["reddit_comments"])
        self.files = {
            name: out.path for name, out in zip(FILES, (self._submissions, self._comments), strict=True)
        }

    def close(self) -> None:
        self._submissions.close()
        self._comments.close()

    def write(self, view: PlatformView) -> None:
        b = view.batch
        original = b.kind == ORIGINAL
        root = np.where(original, b.post_id, b.parent)
        subreddit = (unit_floats(root, "subreddit") * len(SUBREDDITS)).astype(np.int64).tolist()
        fullname = encode(mix(view.author.astype(np.int64), "reddit-account"), BASE36, 8)
        for i, is_original in enumerate(original.tolist()):
            thing = {
                "id": view.post_id[i],
                "author": view.handle[i],
                "author_fullname": "t2_" + fullname[i],
                "author_created_utc": view.author_created[i],
                "created_utc": int(b.t[i]),
                "retrieved_on": RETRIEVED,
                "score": int(b.likes[i]) + 1,
                "subreddit": SUBREDDITS[subreddit[i]][0],
                "subreddit_id": SUBREDDITS[subreddit[i]][1],
            }
            if is_original:
                self._submissions.write(_submission(view, i, thing))
            else:
                self._comments.write(_comment(view, i, thing))


def _submission(view: PlatformView, i: int, thing: dict) -> dict:
    url = view.url[i]
    text = view.text[i].replace(url, "").strip() if url else view.text[i]
    title, selftext = split_title(text)
    post_id = view.post_id[i]
    permalink = f"/r/{thing['subreddit']}/comments/{post_id}/"
    return {
        **thing,
        "title": title,
        "selftext": selftext,
        "is_self": url is None,
        "url": url or f"https://www.reddit.com{permalink}",
        "domain": urlsplit(url).hostname if url else f"self.{thing['subreddit']}",
        "num_comments": int(view.batch.replies[i]),
        "permalink": permalink,
        "over_18": False,
    }


def _comment(view: PlatformView, i: int, thing: dict) -> dict:
    link = view.parent_id[i]
    return {
        **thing,
        "body": view.text[i],
        "parent_id": f"t3_{link}",
        "link_id": f"t3_{link}",
        "permalink": f"/r/{thing['subreddit']}/comments/{link}/comment/{view.post_id[i]}/",
        "controversiality": 0,
    }
