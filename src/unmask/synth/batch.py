"""Columnar batches of posts and the queue of reactions planned for later days.

Posts live as numpy columns (plus a list of texts) from the moment they are planned until they are
written; nothing keeps them after that, which is what bounds memory at any scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from unmask.synth.config import DAY

if TYPE_CHECKING:
    from unmask.synth.accounts import Population
    from unmask.synth.ids import TweetIdMint

ORIGINAL, REPLY, RETWEET, QUOTE = 0, 1, 2, 3


@dataclass(slots=True)
class PostBatch:
    """Posts as parallel columns. Ids of absent references are -1."""

    post_id: np.ndarray  # int64 snowflake
    t: np.ndarray  # int64 POSIX seconds
    author: np.ndarray  # int32 account index
    kind: np.ndarray  # int8 ORIGINAL / REPLY / RETWEET / QUOTE
    parent: np.ndarray  # int64 id of the post replied to, retweeted or quoted
    parent_author: np.ndarray  # int32
    conv: np.ndarray  # int64 conversation id
    lang: np.ndarray  # int8 index into pools.LANGS
    client: np.ndarray  # int8 index into pools.CLIENTS
    url: np.ndarray  # int32 index into the UrlBook
    mention: np.ndarray  # int32 extra account mentioned in the text
    media: np.ndarray  # bool: has an attached image
    likes: np.ndarray  # int32
    retweets: np.ndarray  # int32
    replies: np.ndarray  # int32
    quotes: np.ndarray  # int32
    text: list[str]

    def __len__(self) -> int:
        return len(self.t)

    @classmethod
    def build(
        cls,
        *,
        post_id: np.ndarray,
        t: np.ndarray,
        author: np.ndarray,
        kind: int | np.ndarray,
        lang: np.ndarray,
        client: np.ndarray,
        text: list[str],
        parent: np.ndarray | None = None,
        parent_author: np.ndarray | None = None,
        conv: np.ndarray | None = None,
        url: np.ndarray | None = None,
        mention: np.ndarray | None = None,
        media: np.ndarray | None = None,
    ) -> PostBatch:
        n = len(t)

        def filled(value: np.ndarray | None, dtype: type, fill: int) -> np.ndarray:
            return np.full(n, fill, dtype) if value is None else np.asarray(value, dtype)

        return cls(
            post_id=np.asarray(post_id, np.int64),
            t=np.asarray(t, np.int64),
            author=np.asarray(author, np.int32),
            kind=np.broadcast_to(np.asarray(kind, np.int8), (n,)).copy(),
            parent=filled(parent, np.int64, -1),
            parent_author=filled(parent_author, np.int32, -1),
            conv=np.asarray(post_id, np.int64) if conv is None else np.asarray(conv, np.int64),
            lang=np.asarray(lang, np.int8),
            client=np.asarray(client, np.int8),
            url=filled(url, np.int32, -1),
            mention=filled(mention, np.int32, -1),
            media=np.zeros(n, bool) if media is None else np.asarray(media, bool),
            likes=np.zeros(n, np.int32),
            retweets=np.zeros(n, np.int32),
            replies=np.zeros(n, np.int32),
            quotes=np.zeros(n, np.int32),
            text=text,
        )

    @classmethod
    def empty(cls) -> PostBatch:
        """A batch of no posts (shared: zero-length columns cannot be changed)."""
        return _EMPTY

    def take(self, idx: np.ndarray) -> PostBatch:
        values = {f.name: getattr(self, f.name)[idx] for f in fields(self) if f.name != "text"}
        text = self.text
        return PostBatch(**values, text=[text[i] for i in idx.tolist()])

    @classmethod
    def concat(cls, batches: Iterable[PostBatch]) -> PostBatch:
        parts = [b for b in batches if len(b)]
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        values = {
            f.name: np.concatenate([getattr(b, f.name) for b in parts])
            for f in fields(cls)
            if f.name != "text"
        }
        return cls(**values, text=[s for b in parts for s in b.text])


_EMPTY = PostBatch.build(
    post_id=np.zeros(0, np.int64),
    t=np.zeros(0, np.int64),
    author=np.zeros(0),
    kind=0,
    lang=np.zeros(0),
    client=np.zeros(0),
    text=[],
)


class Pending:
    """Reactions planned ahead, filed under the day they happen; a day is popped once, when written."""

    def __init__(self, first_day_start: int) -> None:
        self._origin = first_day_start
        self._days: dict[int, list[PostBatch]] = {}

    def add(self, batch: PostBatch) -> None:
        if not len(batch):
            return
        day = (batch.t - self._origin) // DAY
        order = np.argsort(day, kind="stable")
        sorted_days = day[order]
        cuts = np.flatnonzero(np.diff(sorted_days)) + 1
        for chunk in np.split(order, cuts):
            self._days.setdefault(int(day[chunk[0]]), []).append(batch.take(chunk))

    def pop(self, day_start: int) -> PostBatch:
        return PostBatch.concat(self._days.pop((day_start - self._origin) // DAY, []))


def original_posts(
    mint: TweetIdMint,
    pop: Population,
    rng: np.random.Generator,
    *,
    t: np.ndarray,
    author: np.ndarray,
    lang: np.ndarray,
    **columns: Any,
) -> PostBatch:
    """Original posts (not reactions): ids minted in time order, a client drawn for each author."""
    return PostBatch.build(
        post_id=mint.mint(t),
        t=t,
        author=author,
        kind=ORIGINAL,
        lang=lang,
        client=pop.post_clients(author, rng),
        **columns,
    )


def place(texts: list[str], rows: np.ndarray, values: list[str]) -> None:
    """texts[rows[i]] = values[i]: texts of a sub-group of posts put back in post order."""
    for row, value in zip(rows.tolist(), values, strict=True):
        texts[row] = value


def reaction_batch(
    post_id: np.ndarray,
    anchors: PostBatch,
    idx: np.ndarray,
    *,
    author: np.ndarray,
    kind: int,
    t: np.ndarray,
    lang: np.ndarray,
    client: np.ndarray,
    text: list[str],
) -> PostBatch:
    """Replies, retweets or quotes of anchors[idx]: parent, conversation and (for retweets) link follow it."""
    return PostBatch.build(
        post_id=post_id,
        t=t,
        author=author,
        kind=kind,
        lang=lang,
        client=client,
        text=text,
        parent=anchors.post_id[idx],
        parent_author=anchors.author[idx],
        conv=anchors.conv[idx] if kind == REPLY else post_id,
        url=anchors.url[idx] if kind == RETWEET else None,
    )


def retweet_texts(anchors: PostBatch, idx: np.ndarray, handles: list[str]) -> list[str]:
    """'RT @author: text' for each retweeted anchor; handles[i] is the author handle of anchors[idx[i]]."""
    text = anchors.text
    return [f"RT @{h}: {text[i]}" for h, i in zip(handles, idx.tolist(), strict=True)]
