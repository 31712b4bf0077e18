"""Instagram as a CrowdTangle historical-data CSV export (CrowdTangle covered Facebook and Instagram).

One row per post, every row repeating its account, in the Instagram column set (no `Facebook Id`; the
account is its `User Name`). Only posts: CrowdTangle exported no comments, so the scenario routes
none here. Every Instagram post shows a picture or a video, named in `Photo`; `Views` is filled for
videos only. `Post Created` is printed in the dashboard's time zone (Ottawa: EDT or EST), with the
date and the clock repeated apart as CrowdTangle did. Large totals carry thousands separators.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from unmask.synth.platforms.eastern import local_strings
from unmask.synth.platforms.ids import BASE64URL, encode, mix, numeric_ids
from unmask.synth.platforms.view import PlatformView

FILES = {"instagram": "instagram_crowdtangle.csv"}
COLUMNS = (
    "Account", "User Name", "Followers at Posting", "Post Created", "Post Created Date",
    "Post Created Time", "Type", "Total Interactions", "Likes", "Comments", "Views", "URL", "Link",
    "Photo", "Title", "Description",
)  # fmt: skip


def post_ids(ids: np.ndarray, comment: bool) -> list[str]:
    """Shortcodes, as in `instagram.com/p/<shortcode>/`."""
    return encode(mix(ids, "instagram-post"), BASE64URL, 11)


class CrowdTangleInstagramWriter:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / FILES["instagram"]
        self.files = {"instagram": self.path}
        self._fh = self.path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._fh, lineterminator="\n")
        self._csv.writerow(COLUMNS)

    def close(self) -> None:
        self._fh.close()

    def write(self, view: PlatformView) -> None:
        b = view.batch
        local, zone = local_strings(b.t)
        pictures = numeric_ids(b.post_id, "instagram-media", 17)
        video = ~b.media  # a post without a still image is a video
        for i in range(view.n):
            url = f"https://www.instagram.com/p/{view.post_id[i]}/"
            likes, comments = int(b.likes[i]), int(b.replies[i])
            day, clock = local[i].split("T")
            self._csv.writerow(
                (
                    view.name[i],
                    view.handle[i],
                    view.followers[i],
                    f"{day} {clock} {zone[i]}",
                    day,
                    clock,
                    "Video" if video[i] else "Photo",
                    f"{likes + comments:,}",
                    likes,
                    comments,
                    likes * 20 + comments * 60 if video[i] else "",
                    url,
                    view.url[i] or url,
                    f"https://scontent.cdninstagram.com/v/t51.2885-15/{pictures[i]}_n.jpg",
                    "",
                    view.text[i],
                )
            )
