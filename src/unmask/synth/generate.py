"""The library entry point: generate one scenario into a folder, in its layouts plus the answer key."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unmask.synth.accounts import POLITICIAN
from unmask.synth.batch import REPLY
from unmask.synth.config import Plan
from unmask.synth.platforms.names import X, parse_platforms
from unmask.synth.platforms.routing import platform_plan
from unmask.synth.platforms.sinks import PlatformLayouts, Sink, XLayouts
from unmask.synth.scenario import Scenario

TRUTH_FILE = "truth.csv"
WRITE_CHUNK = 40_000
Progress = Callable[[int, int], None]  # (posts written so far, posts asked for); the total is approximate


@dataclass(frozen=True)
class SynthSummary:
    """What a run wrote: the files by layout name and the scenario's counts."""

    files: dict[str, Path]
    posts: int
    accounts: int  # accounts that posted, per platform (= rows of truth.csv)
    campaign_accounts: int
    campaign_posts: int
    politicians: int
    targeted_politicians: int  # politicians that received campaign replies
    seed: int
    difficulty: str
    platforms: tuple[str, ...] = (X,)


def generate(
    out_dir: Path,
    *,
    posts: int = 100_000,
    seed: int = 7,
    difficulty: str = "normal",
    platforms: str | Sequence[str] = (X,),
    progress: Progress | None = None,
) -> SynthSummary:
    """Write the scenario (same seed, same bytes). X alone: as X API v2 JSONL, an IO archive CSV and QUT
    CSV. Several platforms: each post on one of them, each platform in its own export layout."""
    chosen = parse_platforms(platforms)
    plan = (
        Plan.build(posts, seed, difficulty)
        if chosen == (X,)
        else platform_plan(posts, seed, difficulty, chosen)
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scenario = Scenario(plan)
    pop = scenario.pop
    sink: Sink = (
        XLayouts(out_dir, scenario) if chosen == (X,) else PlatformLayouts(out_dir, scenario, chosen, seed)
    )
    posted = np.zeros(len(pop), bool)
    targeted = np.zeros(len(pop), bool)
    written = campaign_posts = 0
    try:
        for day in scenario.days():
            batch = day.posts
            for lo in range(0, len(batch), WRITE_CHUNK):  # bounded Arrow intermediates on busy days
                rows = np.arange(lo, min(lo + WRITE_CHUNK, len(batch)))
                kept = sink.write(batch.take(rows), day.referenced[rows])
                posted[kept.author] = True
                from_campaign = pop.is_campaign[kept.author]
                campaign_posts += int(from_campaign.sum())
                hit = kept.parent_author[from_campaign & (kept.kind == REPLY)]
                targeted[hit[pop.kind[hit] == POLITICIAN]] = True
                written += len(kept)
            if progress is not None and len(batch):
                progress(written, plan.posts)
    finally:
        sink.close()
    truth = out_dir / TRUTH_FILE
    accounts, campaign_accounts = sink.write_truth(truth)
    return SynthSummary(
        files={**sink.files, "truth": truth},
        posts=written,
        accounts=accounts,
        campaign_accounts=campaign_accounts,
        campaign_posts=campaign_posts,
        politicians=int(posted[pop.politicians].sum()),
        targeted_politicians=int(targeted.sum()),
        seed=seed,
        difficulty=difficulty,
        platforms=chosen,
    )
