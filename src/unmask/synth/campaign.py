"""The Spamouflage-like campaign: reply waves on politicians' posts, camouflage and side-narrative posts,
and amplification that stays inside the network.

Its accounts come from `accounts` (creation batches and hijacked old accounts); here is only what they
do. The budget is fixed by the plan; the calendar (August start, September rise, Labour Day burst)
by `clock.campaign_day_factor`.
"""

from __future__ import annotations

import numpy as np

from unmask.synth.accounts import CRITIC_NAME, POLITICIAN, Population
from unmask.synth.batch import (
    ORIGINAL,
    REPLY,
    RETWEET,
    PostBatch,
    original_posts,
    place,
    reaction_batch,
    retweet_texts,
)
from unmask.synth.campaign_texts import CampaignTexts
from unmask.synth.clock import CAMPAIGN_HOURS, campaign_day_factor, politician_day_factor, times_in_day
from unmask.synth.config import DAY, HAWAII_START, MAX_DELAY, WINDOW_END, WINDOW_START, Plan
from unmask.synth.ids import TweetIdMint
from unmask.synth.organic import politician_rates
from unmask.synth.sampling import lognormal_delay, unique_pairs, weighted_samples

SHARES = {REPLY: 0.55, RETWEET: 0.25, ORIGINAL: 0.20}
SIDE_SHARE, ACCUSATION_SHARE = 0.2, 0.25  # of originals; the rest is camouflage
CAMOUFLAGE_MEDIA = 0.7  # camouflage posts mostly carry a picture
MIN_WAVE = 2  # a wave is at least this many accounts
MIN_WAVES_PER_TARGET = 2
FIRST_WAVES = 2  # the first posts of every target are swarmed whatever the odds
COVERAGE = 0.7  # share of waves spread evenly over all targets (the rest follows prominence)
BURST_ATTACK_BOOST = 2.0  # targeted posts are this much likelier to be swarmed over the long weekend
TARGET_FOCUS = 0.6  # waves grow with a politician's prominence to this power: the PM draws the most
MAX_WAVE_SHARE = 0.2  # no single post is swarmed by more than this share of the network
CELL_TARGET_SHARE = 0.1  # besides its own, the share of other targeted MPs a cell also works on


class CampaignActivity:
    """Generates the campaign's posts for one day at a time."""

    def __init__(
        self, plan: Plan, pop: Population, rng: np.random.Generator, mint: TweetIdMint, texts: CampaignTexts
    ) -> None:
        self._pop, self._rng, self._mint, self._texts = pop, rng, mint, texts
        self._diff = plan.difficulty
        self._who = np.flatnonzero(pop.is_campaign)
        cells = [self._who[pop.cell[self._who] == c] for c in range(int(pop.cell.max()) + 1)]
        self._cell_sizes = np.array([len(c) for c in cells])
        self._members = np.zeros((len(cells), int(self._cell_sizes.max())), np.int64)  # padded member table
        for c, members in enumerate(cells):
            self._members[c, : len(members)] = members
        self._slot = np.full(len(pop), -1)
        self._slot[pop.politicians] = np.arange(len(pop.politicians))
        self._target_weight = pop.prominence**TARGET_FOCUS * pop.targeted
        self._cell_targets = self._assign_targets(len(cells))
        self._hits = np.zeros(len(pop.politicians), np.int64)  # waves each politician has received
        days = np.arange(WINDOW_START, WINDOW_END, DAY)
        factor = np.array([campaign_day_factor(int(d), self._diff.burst_factor) for d in days])
        self._factor = dict(zip(days.tolist(), factor.tolist(), strict=True))
        budget = {k: plan.campaign_window_posts * s for k, s in SHARES.items()}
        # originals: rate = base * weight * day factor while the account is active
        first_day = np.searchsorted(days, pop.active_from[self._who], side="right") - 1
        factor_from = np.concatenate([np.cumsum(factor[::-1])[::-1], [0.0]])
        exposure = float(np.sum(pop.weight[self._who] * factor_from[np.maximum(first_day, 0)]))
        self._orig_base = budget[ORIGINAL] / max(exposure, 1e-9)
        self._amplify_mean = budget[RETWEET] / max(budget[ORIGINAL], 1e-9)
        self._plan_waves(plan, budget[REPLY], days, factor)

    def _plan_waves(self, plan: Plan, replies: float, days: np.ndarray, factor: np.ndarray) -> None:
        """How often each target's posts are swarmed and how big waves are, to spend the reply budget:
        waves are spread mostly evenly over the targets (an MP who posts little sees most of their posts
        swarmed), their size grows with the day's intensity and the target's prominence."""
        pop = self._pop
        weekday = np.array([politician_day_factor(int(d)) for d in days])
        posts = np.outer(weekday * (factor > 0), politician_rates(plan, pop) * pop.targeted)
        self._boost = {
            d: BURST_ATTACK_BOOST if f >= self._diff.burst_factor else 1.0 for d, f in self._factor.items()
        }
        boost = np.array([self._boost[d] for d in days.tolist()])[:, None]
        self._relative = self._target_weight / self._target_weight[pop.targeted].mean()
        n_waves = max(replies / self._diff.wave_size, MIN_WAVES_PER_TARGET * pop.targeted.sum())
        even = pop.targeted / pop.targeted.sum()
        share = COVERAGE * even + (1 - COVERAGE) * self._target_weight / self._target_weight.sum()
        self._attack = np.minimum(1.0, n_waves * share / np.maximum(posts.sum(axis=0), 1e-9))
        chance = posts * np.minimum(self._attack * boost, 1.0)
        growth = np.outer(factor, self._relative)
        self._wave_extra = max(replies - MIN_WAVE * chance.sum(), 0.0) / max(
            float(np.sum(chance * growth)), 1e-9
        )

    def _assign_targets(self, n_cells: int) -> np.ndarray:
        """Which politicians each cell works on: everyone attacks the PM and the opposition leader; every
        other target gets one cell, and each cell a few more, so no MP is swarmed by the whole network."""
        rng = self._rng
        others = np.flatnonzero(self._target_weight > 0)
        others = others[others >= 2]
        works_on = np.zeros((n_cells, len(self._target_weight)), bool)
        works_on[:, :2] = self._target_weight[:2] > 0
        works_on[rng.permutation(np.arange(len(others)) % n_cells), others] = True
        extra = rng.random((n_cells, len(others))) < CELL_TARGET_SHARE
        works_on[:, others] |= extra
        return works_on

    def _factor_of(self, day_start: int) -> float:
        return self._factor.get(day_start, 0.0)

    # --- originals: camouflage, side narratives, accusations naming a politician ---
    def originals(self, day_start: int) -> PostBatch:
        pop, rng = self._pop, self._rng
        factor = self._factor_of(day_start)
        if not factor:
            return PostBatch.empty()
        who = self._who
        live = pop.active_from[who] < day_start + DAY
        author = np.repeat(who, rng.poisson(self._orig_base * pop.weight[who] * factor * live))
        n = len(author)
        if not n:
            return PostBatch.empty()
        t = np.minimum(
            np.maximum(times_in_day(rng, day_start, n, CAMPAIGN_HOURS), pop.active_from[author] + 60),
            day_start + DAY - 1,
        )
        lang = pop.post_langs(author, rng)
        u = rng.random(n)
        side = np.flatnonzero((u < SIDE_SHARE) & (t >= HAWAII_START))  # no side story before Maui burns
        accuse = np.flatnonzero(u >= 1 - ACCUSATION_SHARE)
        camo = np.setdiff1d(np.arange(n), np.concatenate([side, accuse]))
        text, url, mention = [""] * n, np.full(n, -1, np.int32), np.full(n, -1, np.int32)
        place(text, camo, self._texts.camouflage(lang[camo]))
        media = np.zeros(n, bool)
        media[camo] = rng.random(len(camo)) < CAMOUFLAGE_MEDIA
        side_text, url[side] = self._texts.side(lang[side], t[side])
        place(text, side, side_text)
        targets = self._pick_targets(pop.cell[author[accuse]])
        mention[accuse] = pop.politicians[targets]
        handles = pop.handles.take(pop.politicians[targets]).to_pylist()
        bodies = self._accusations(lang[accuse], targets)
        place(text, accuse, [f"@{h} {s}" for h, s in zip(handles, bodies, strict=True)])
        return original_posts(
            self._mint,
            pop,
            rng,
            t=t,
            author=author,
            lang=lang,
            text=text,
            url=url,
            mention=mention,
            media=media,
        )

    def _pick_targets(self, cells: np.ndarray) -> np.ndarray:
        """A politician for each post, among those its author's cell works on."""
        weights = self._cell_targets[cells] * self._target_weight
        cum = np.cumsum(weights, axis=1)
        u = self._rng.random(len(cells)) * cum[:, -1]
        return (cum < u[:, None]).sum(axis=1)

    def _accusations(self, lang: np.ndarray, slots: np.ndarray, theme: np.ndarray | None = None) -> list[str]:
        pop = self._pop
        pols = pop.politicians[slots]
        full = pop.names.take(pols).to_pylist()
        handles = pop.handles.take(pols).to_pylist()
        names = [(f, pop.surnames[s], f"@{h}") for f, s, h in zip(full, slots.tolist(), handles, strict=True)]
        return self._texts.accusations(lang, names, CRITIC_NAME, theme)

    # --- reply waves on politicians' posts ---
    def waves(self, anchors: PostBatch, day_start: int) -> PostBatch:
        """Groups of campaign accounts flood a targeted politician's post with templated accusations,
        minutes apart (jittered, never in lockstep). All waves of a day are drawn together."""
        pop, rng, diff = self._pop, self._rng, self._diff
        factor = self._factor_of(day_start)
        if not factor:
            return PostBatch.empty()
        slots = self._slot[anchors.author]
        rows = np.flatnonzero((pop.kind[anchors.author] == POLITICIAN) & (slots >= 0))
        rows = rows[pop.targeted[slots[rows]]]
        chance = np.minimum(1.0, self._attack[slots[rows]] * self._boost[day_start])
        owed = self._hits[slots[rows]] < FIRST_WAVES  # every target's first posts are hit for sure
        rows = rows[owed | (rng.random(len(rows)) < chance)]
        if not len(rows):
            return PostBatch.empty()
        target = slots[rows]
        start = anchors.t[rows] + rng.lognormal(np.log(diff.wave_start_minutes * 60), 0.8, len(rows)).astype(
            np.int64
        )
        size = MIN_WAVE + rng.poisson(self._wave_extra * factor * self._relative[target])
        size = np.minimum(size, max(MIN_WAVE, int(MAX_WAVE_SHARE * len(self._who))))
        live = self._who[pop.active_from[self._who] < day_start + DAY]
        wave_parts, who_parts = [], []
        for j in np.unique(target).tolist():  # one weighted pool per politician: the cells working on them
            waves = np.flatnonzero(target == j)
            pool = live[self._cell_targets[pop.cell[live], j]]
            drawn, size[waves] = weighted_samples(rng, pool, pop.weight[pool], size[waves])
            wave_parts.append(np.repeat(waves, size[waves]))
            who_parts.append(drawn)
        order = np.argsort(np.concatenate(wave_parts), kind="stable")  # waves in contiguous blocks
        wave, who = np.concatenate(wave_parts)[order], np.concatenate(who_parts)[order]
        if not len(wave):
            return PostBatch.empty()
        gap = diff.wave_gap_minutes * 60 * 15 / np.maximum(15, size)  # big waves reply faster
        step = rng.exponential(1.0, len(wave)) * gap[wave]
        elapsed = np.cumsum(step)
        first = np.cumsum(size) - size
        before = (elapsed - step)[np.minimum(first, len(wave) - 1)]  # time used by earlier waves
        t = start[wave] + (elapsed - before[wave]).astype(np.int64)
        idx = rows[wave]
        keep = (t < np.minimum(anchors.t[idx] + MAX_DELAY, WINDOW_END)) & (pop.active_from[who] <= t)
        idx, who, t, wave = idx[keep], who[keep], t[keep], wave[keep]
        self._hits[target[np.unique(wave)]] += 1
        theme = rng.integers(0, 1 << 30, len(rows))[wave]  # each wave's message of the day
        lang = pop.post_langs(who, rng)
        handles = pop.handles.take(anchors.author[idx]).to_pylist()
        bodies = self._accusations(lang, slots[idx], theme)
        return reaction_batch(
            self._mint.mint(t),
            anchors,
            idx,
            author=who,
            kind=REPLY,
            t=t,
            lang=lang,
            client=pop.post_clients(who, rng),
            text=[f"@{h} {b}" for h, b in zip(handles, bodies, strict=True)],
        )

    # --- amplification inside the network ---
    def amplify(self, anchors: PostBatch) -> PostBatch:
        """Each campaign original is retweeted by a few accounts of its author's cell, hours later."""
        pop, rng = self._pop, self._rng
        rows = np.flatnonzero(pop.is_campaign[anchors.author])
        if not len(rows):
            return PostBatch.empty()
        idx = np.repeat(rows, rng.poisson(self._amplify_mean, len(rows)))
        cells = pop.cell[anchors.author[idx]]
        who = self._members[cells, (rng.random(len(idx)) * self._cell_sizes[cells]).astype(np.int64)]
        t = anchors.t[idx] + lognormal_delay(rng, len(idx), 5400.0, 1.0, MAX_DELAY)
        keep = (who != anchors.author[idx]) & (pop.active_from[who] <= t) & (t < WINDOW_END)
        idx, who, t = idx[keep], who[keep], t[keep]
        first = unique_pairs(idx, who)
        idx, who, t = idx[first], who[first], t[first]
        handles = pop.handles.take(anchors.author[idx]).to_pylist()
        return reaction_batch(
            self._mint.mint(t),
            anchors,
            idx,
            author=who,
            kind=RETWEET,
            t=t,
            lang=anchors.lang[idx],
            client=pop.post_clients(who, rng),
            text=retweet_texts(anchors, idx, handles),
        )
