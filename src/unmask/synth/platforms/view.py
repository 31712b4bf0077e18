"""One slice of posts as a non-X platform shows them: its ids, its accounts, its kind of text.

Texts lose what only X adds: a reply's leading `@handle` (a comment sits under its post) and t.co
wrapping (other platforms show the link itself). Parents are always originals (every reaction in the
scenario answers an original post), so a parent's id is the id its original got on this platform.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from unmask.synth.accounts import Population
from unmask.synth.batch import ORIGINAL, REPLY, PostBatch
from unmask.synth.platforms.identities import Identities
from unmask.synth.pools import LANGS
from unmask.synth.rendering import time_strings
from unmask.synth.urls import UrlBook

PostIds = Callable[[np.ndarray, bool], list[str]]  # (scenario post ids, are they comments) -> platform ids


class PlatformWriter(Protocol):
    """One platform's export files: written a slice at a time, in time order."""

    files: dict[str, Path]  # by layout part ("youtube_videos", ...)

    def write(self, view: PlatformView) -> None: ...

    def close(self) -> None: ...


_LEADING_MENTION = re.compile(r"^@\w+\s+")


@dataclass
class PlatformView:
    """Per post: ids, author and parent strings, the cleaned text, the link and the UTC time."""

    batch: PostBatch
    post_id: list[str]
    parent_id: list[str | None]
    author: np.ndarray  # population index
    author_id: list[str]
    handle: list[str]
    name: list[str]
    official: list[bool]  # a politician or the critic: pages and channels rather than profiles
    author_created: list[int]
    parent_author_id: list[str | None]
    parent_name: list[str | None]  # the display name of the parent's author (forwards name their source)
    followers: list[int]  # the author's audience (exports that print followers at posting)
    text: list[str]
    url: list[str | None]
    lang: list[str]
    iso: list[str]  # YYYY-MM-DDTHH:MM:SS, UTC

    @property
    def n(self) -> int:
        return len(self.post_id)

    @classmethod
    def build(
        cls, batch: PostBatch, pop: Population, ident: Identities, urls: UrlBook, ids: PostIds
    ) -> PlatformView:
        author = batch.author
        is_comment = batch.kind != ORIGINAL
        own = np.empty(len(batch), object)
        for comment in (False, True):
            rows = np.flatnonzero(is_comment == comment)
            own[rows] = ids(batch.post_id[rows], comment)
        has_parent = batch.parent >= 0
        parent = np.full(len(batch), None, object)
        parent[has_parent] = ids(batch.parent[has_parent], False)
        official = np.zeros(len(pop), bool)
        official[np.append(pop.politicians, pop.critic)] = True
        account_ids, handles, names = ident.account_id, ident.handle, ident.name
        who = author.tolist()
        return cls(
            batch=batch,
            post_id=own.tolist(),
            parent_id=parent.tolist(),
            author=author,
            author_id=[account_ids[a] for a in who],
            handle=[handles[a] for a in who],
            name=[names[a] for a in who],
            official=official[author].tolist(),
            author_created=ident.created[author].tolist(),
            parent_author_id=[account_ids[a] if a >= 0 else None for a in batch.parent_author.tolist()],
            parent_name=[names[a] if a >= 0 else None for a in batch.parent_author.tolist()],
            followers=pop.followers[author].tolist(),
            text=_texts(batch, urls),
            url=[urls.expanded[u] if u >= 0 else None for u in batch.url.tolist()],
            lang=[LANGS[c] for c in batch.lang.tolist()],
            iso=time_strings(batch.t).to_pylist(),
        )


def _texts(batch: PostBatch, urls: UrlBook) -> list[str]:
    out = []
    for text, kind, url in zip(batch.text, batch.kind.tolist(), batch.url.tolist(), strict=True):
        if kind == REPLY:
            text = _LEADING_MENTION.sub("", text, count=1)
        if url >= 0:
            text = text.replace(urls.short[url], urls.expanded[url])
        out.append(text)
    return out


class JsonLines:
    """A file of one compact JSON value per line (API responses, or dump records)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = path.open("w", encoding="utf-8", newline="\n")

    def write(self, value: object) -> None:
        self._fh.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")

    def close(self) -> None:
        self._fh.close()


def pages(records: list[dict], size: int) -> Iterator[list[dict]]:
    """Records in API pages of at most `size`."""
    for lo in range(0, len(records), size):
        yield records[lo : lo + size]


def cursor(last_id: str) -> str:
    """An opaque paging cursor, as APIs hand them out (base64 of where the page ended)."""
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")
