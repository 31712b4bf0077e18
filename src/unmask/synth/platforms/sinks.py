"""Where generated posts go: the three X layouts of the X-only run, or one layout per platform.

Both take slices of posts in time order, say which of them they wrote, and write the answer key for
the accounts that posted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from unmask.synth.batch import PostBatch
from unmask.synth.csv_layouts import IoArchiveWriter, QutWriter
from unmask.synth.platforms import bluesky, facebook, instagram, reddit, telegram, tiktok, youtube
from unmask.synth.platforms.identities import Identities, build_identities
from unmask.synth.platforms.names import X
from unmask.synth.platforms.routing import DROPPED, Router
from unmask.synth.platforms.view import PlatformView, PlatformWriter, PostIds
from unmask.synth.rendering import AccountStrings, SliceView, UrlStrings
from unmask.synth.scenario import Scenario
from unmask.synth.truth import write_truth
from unmask.synth.x_api import XApiWriter

X_FILES = {"x_api_v2": "x_api_v2.jsonl", "io_archive": "io_archive.csv", "qut": "qut.csv"}


class Sink(Protocol):
    files: dict[str, Path]

    def write(self, batch: PostBatch, referenced: np.ndarray) -> PostBatch:
        """Write a slice; return the posts actually written."""
        ...

    def close(self) -> None: ...

    def write_truth(self, path: Path) -> tuple[int, int]:
        """Write truth.csv; return (accounts, campaign accounts) in it."""
        ...


class XLayouts:
    """The X-only run: every post as X API v2 pages, an IO archive CSV and QUT CSV."""

    def __init__(self, out_dir: Path, scenario: Scenario) -> None:
        self.files = {name: out_dir / filename for name, filename in X_FILES.items()}
        self._pop = scenario.pop
        self._acc = AccountStrings(scenario.pop)
        self._urls = UrlStrings(scenario.urls)
        self._x_api = XApiWriter(self.files["x_api_v2"], self._acc)
        self._csv = (IoArchiveWriter(self.files["io_archive"], self._acc), QutWriter(self.files["qut"]))
        self._posted = np.zeros(len(scenario.pop), bool)

    def write(self, batch: PostBatch, referenced: np.ndarray) -> PostBatch:
        view = SliceView(batch, self._acc, self._urls)
        self._x_api.write(view, referenced)
        for writer in self._csv:
            writer.write(view)
        self._posted[batch.author] = True
        return batch

    def close(self) -> None:
        for writer in (self._x_api, *self._csv):
            writer.close()

    def write_truth(self, path: Path) -> tuple[int, int]:
        ids = [str(u) for u in self._pop.user_id.tolist()]
        return write_truth(path, self._pop, {X: self._posted}, {X: ids})


class _XApiOnly:
    """X among other platforms: the X API v2 layout alone (one file per platform)."""

    def __init__(self, out_dir: Path, scenario: Scenario) -> None:
        self._acc = AccountStrings(scenario.pop)
        self._urls = UrlStrings(scenario.urls)
        self._writer = XApiWriter(out_dir / X_FILES["x_api_v2"], self._acc)
        self.files = {"x_api_v2": out_dir / X_FILES["x_api_v2"]}

    def write(self, batch: PostBatch, referenced: np.ndarray) -> None:
        self._writer.write(SliceView(batch, self._acc, self._urls), referenced)

    def close(self) -> None:
        self._writer.close()


class _Other:
    """A non-X platform: its identities, its ids and its writer."""

    def __init__(self, scenario: Scenario, ident: Identities, writer: PlatformWriter, ids: PostIds) -> None:
        self._scenario, self._ident, self._writer, self._ids = scenario, ident, writer, ids
        self.files = writer.files

    def write(self, batch: PostBatch, referenced: np.ndarray) -> None:
        s = self._scenario
        self._writer.write(PlatformView.build(batch, s.pop, self._ident, s.urls, self._ids))

    def close(self) -> None:
        self._writer.close()


_WRITERS: dict[str, tuple[Callable[[Path], PlatformWriter], PostIds]] = {
    "facebook": (facebook.MetaContentLibraryWriter, facebook.post_ids),
    "youtube": (youtube.YouTubeWriter, youtube.post_ids),
    "reddit": (reddit.ArcticShiftWriter, reddit.post_ids),
    "tiktok": (tiktok.ResearchApiWriter, tiktok.post_ids),
    "instagram": (instagram.CrowdTangleInstagramWriter, instagram.post_ids),
    "telegram": (telegram.TelegramDesktopWriter, telegram.post_ids),
    "bluesky": (bluesky.BlueskyFeedWriter, bluesky.post_ids),
}


class PlatformLayouts:
    """Several platforms: each post routed to one, each platform written in its own export layout."""

    def __init__(self, out_dir: Path, scenario: Scenario, platforms: tuple[str, ...], seed: int) -> None:
        pop = scenario.pop
        self._platforms = platforms
        self._pop = pop
        self._router = Router(pop, platforms, seed)
        self._ident = {p: build_identities(pop, p, seed) for p in platforms}
        self._outs = {
            p: _XApiOnly(out_dir, scenario)
            if p == X
            else _Other(scenario, self._ident[p], _WRITERS[p][0](out_dir), _WRITERS[p][1])
            for p in platforms
        }
        self.files = {name: path for out in self._outs.values() for name, path in out.files.items()}
        self._posted = {p: np.zeros(len(pop), bool) for p in platforms}

    def write(self, batch: PostBatch, referenced: np.ndarray) -> PostBatch:
        routes = self._router.route(batch)
        for index, platform in enumerate(self._platforms):
            rows = np.flatnonzero(routes.platform == index)
            copied = routes.copy_platform == index
            if not len(rows) and not copied.any():
                continue
            part = batch.take(np.concatenate([rows, routes.copy_row[copied]]))
            part.t[len(rows) :] += routes.copy_delay[copied]
            self._outs[platform].write(part, np.concatenate([referenced[rows], np.zeros(copied.sum(), bool)]))
            self._posted[platform][part.author] = True
        return batch.take(np.concatenate([np.flatnonzero(routes.platform != DROPPED), routes.copy_row]))

    def close(self) -> None:
        for out in self._outs.values():
            out.close()

    def write_truth(self, path: Path) -> tuple[int, int]:
        ids = {p: ident.account_id for p, ident in self._ident.items()}
        return write_truth(path, self._pop, self._posted, ids)
