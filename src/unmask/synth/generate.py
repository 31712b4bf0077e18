"""The library entry point: generate one scenario into a folder, in three layouts plus the answer key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unmask.synth.accounts import POLITICIAN
from unmask.synth.batch import REPLY
from unmask.synth.config import Plan
from unmask.synth.csv_layouts import IoArchiveWriter, QutWriter
from unmask.synth.rendering import AccountStrings, SliceView, UrlStrings
from unmask.synth.scenario import Scenario
from unmask.synth.truth import write_truth
from unmask.synth.x_api import XApiWriter

FILES = {
    "x_api_v2": "x_api_v2.jsonl",
    "io_archive": "io_archive.csv",
    "qut": "qut.csv",
    "truth": "truth.csv",
}
WRITE_CHUNK = 40_000
Progress = Callable[[int, int], None]  # (posts written so far, posts asked for); the total is approximate


@dataclass(frozen=True)
class SynthSummary:
    """What a run wrote: the files by layout name and the scenario's counts."""

    files: dict[str, Path]
    posts: int
    accounts: int  # accounts that posted (= rows of truth.csv)
    campaign_accounts: int
    campaign_posts: int
    politicians: int
    targeted_politicians: int  # politicians that received campaign replies
    seed: int
    difficulty: str


def generate(
    out_dir: Path,
    *,
    posts: int = 100_000,
    seed: int = 7,
    difficulty: str = "normal",
    progress: Progress | None = None,
) -> SynthSummary:
    """Write the scenario (same seed, same bytes) as X API v2 JSONL, an IO archive CSV and QUT CSV."""
    plan = Plan.build(posts, seed, difficulty)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {name: out_dir / filename for name, filename in FILES.items()}
    scenario = Scenario(plan)
    pop = scenario.pop
    acc = AccountStrings(pop)
    x_api, io_archive, qut = (
        XApiWriter(files["x_api_v2"], acc),
        IoArchiveWriter(files["io_archive"], acc),
        QutWriter(files["qut"]),
    )
    urls = UrlStrings(scenario.urls)
    posted = np.zeros(len(pop), bool)
    targeted = np.zeros(len(pop), bool)
    written = campaign_posts = 0
    try:
        for day in scenario.days():
            batch = day.posts
            for lo in range(0, len(batch), WRITE_CHUNK):  # bounded Arrow intermediates on busy days
                rows = np.arange(lo, min(lo + WRITE_CHUNK, len(batch)))
                view = SliceView(batch.take(rows), acc, urls)
                x_api.write(view, day.referenced[rows])
                io_archive.write(view)
                qut.write(view)
            posted[batch.author] = True
            from_campaign = pop.is_campaign[batch.author]
            campaign_posts += int(from_campaign.sum())
            hit = batch.parent_author[from_campaign & (batch.kind == REPLY)]
            targeted[hit[pop.kind[hit] == POLITICIAN]] = True
            written += len(batch)
            if progress is not None and len(batch):
                progress(written, plan.posts)
    finally:
        for writer in (x_api, io_archive, qut):
            writer.close()
    write_truth(files["truth"], pop, posted)
    return SynthSummary(
        files=files,
        posts=written,
        accounts=int(posted.sum()),
        campaign_accounts=int((posted & pop.is_campaign).sum()),
        campaign_posts=campaign_posts,
        politicians=int(posted[pop.politicians].sum()),
        targeted_politicians=int(targeted.sum()),
        seed=seed,
        difficulty=difficulty,
    )
