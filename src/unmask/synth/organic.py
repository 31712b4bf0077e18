"""Organic traffic: politicians' posts, ordinary users' posts and reactions, fan storms, news sharing and
an authentic petition (open coordination that is not inauthentic).

Each ordinary account has an activity weight (heavy-tailed) and behaviour shares; the window's post
budget is split into per-account daily rates so that activity, not label, decides who posts how much.
Reactions are planned when their post is created, so every count is known before it is written.
"""

from __future__ import annotations

import numpy as np

from unmask.synth.accounts import CRITIC, ORGANIC, Population
from unmask.synth.batch import (
    ORIGINAL,
    QUOTE,
    REPLY,
    RETWEET,
    PostBatch,
    original_posts,
    place,
    reaction_batch,
    retweet_texts,
)
from unmask.synth.clock import (
    CANADA,
    POLITICIAN_HOURS,
    organic_day_factor,
    politician_day_factor,
    times_in_day,
)
from unmask.synth.config import DAY, MAX_DELAY, PETITION_START, WINDOW_END, WINDOW_START, Plan
from unmask.synth.ids import TweetIdMint
from unmask.synth.news import NewsDesk
from unmask.synth.sampling import WeightedSampler, lognormal_delay, overdispersed, repeat_rows, unique_pairs
from unmask.synth.texts import OrganicTexts

WINDOW_DAYS = (WINDOW_END - WINDOW_START) / DAY
SHARES = {ORIGINAL: 0.26, REPLY: 0.38, RETWEET: 0.33, QUOTE: 0.03}
DELAYS = {REPLY: (2400.0, 1.3), RETWEET: (3000.0, 1.4), QUOTE: (7200.0, 1.2)}  # median seconds, sigma
GENERIC_SHARE = 0.22  # replies that are stock phrases
NEWS_STORIES_PER_DAY = 6
REACTION_LOSS = 1.12  # planned reactions lost past the window's end, to self-replies or to unborn accounts


def politician_rates(plan: Plan, pop: Population) -> np.ndarray:
    """Posts per day of each politician: more prominent ones post somewhat more."""
    weight = pop.prominence**0.5
    return plan.politician_posts * weight / weight.sum() / WINDOW_DAYS


class OrganicActivity:
    """Generates the organic side of one day at a time."""

    def __init__(
        self,
        plan: Plan,
        pop: Population,
        rng: np.random.Generator,
        mint: TweetIdMint,
        texts: OrganicTexts,
        news: NewsDesk,
    ) -> None:
        self._pop, self._rng, self._mint, self._texts, self._news = pop, rng, mint, texts, news
        self._coord = plan.difficulty.organic_coordination
        self._org = np.flatnonzero((pop.kind == ORGANIC) | (pop.kind == CRITIC))
        self._slot = np.full(len(pop), -1)
        self._slot[pop.politicians] = np.arange(len(pop.politicians))
        self._fans = [np.flatnonzero(pop.fan_of == j) for j in range(len(pop.politicians))]
        prom = pop.prominence
        self._pol_rate = politician_rates(plan, pop)
        self._p_storm = 0.15 * self._coord * prom / (prom + 3.0)
        self._petition = self._plan_petition(plan)
        storm_posts = float(
            np.sum(self._pol_rate * WINDOW_DAYS * self._p_storm * 0.5 * [len(f) for f in self._fans])
        )
        self._set_rates(plan, storm_posts)
        self._day_samplers: tuple[int, dict[int, WeightedSampler]] | None = None

    # --- budget ---
    def _set_rates(self, plan: Plan, storm_posts: float) -> None:
        pop, org = self._pop, self._org
        budget = plan.organic_window_posts - len(self._petition[0])
        days = np.maximum((WINDOW_END - pop.active_from[org]) / DAY, 0.5)
        totals = {k: budget * s for k, s in SHARES.items()}
        totals[REPLY] -= 0.25 * storm_posts
        totals[RETWEET] -= 0.75 * storm_posts
        self._rate: dict[int, np.ndarray] = {}
        for k, total in totals.items():
            share = pop.weight[org] * pop.mix[org, k] * days
            self._rate[k] = max(total, 0.0) * share / share.sum() / days
        camp_att = float(pop.attention[pop.is_campaign].mean()) if pop.is_campaign.any() else 0.0
        expected_attention = (
            float(np.sum(self._rate[ORIGINAL] * days * pop.attention[org]))
            + float(np.sum(self._pol_rate * WINDOW_DAYS * pop.prominence))
            + 0.2 * plan.campaign_window_posts * camp_att
        )
        self._per_attention = {
            k: REACTION_LOSS * totals[k] / expected_attention for k in (REPLY, RETWEET, QUOTE)
        }

    def _plan_petition(self, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
        """Hundreds of real people post the same petition text over days, some within minutes of a call."""
        pop, rng = self._pop, self._rng
        eligible = self._org[pop.active_from[self._org] < PETITION_START + 10 * DAY]
        m = min(len(eligible), max(25, round(0.04 * self._coord * plan.n_organic)))
        who = rng.choice(eligible, m, replace=False)
        who = np.concatenate([who, who[rng.random(m) < 0.1]])  # some post it twice
        calls = PETITION_START + np.array([0, 1, 2, 5, 9]) * DAY + rng.integers(0, 6 * 3600, 5)
        in_call = rng.random(len(who)) < 0.35
        t = np.where(
            in_call,
            calls[rng.integers(0, 5, len(who))] + rng.exponential(480, len(who)).astype(np.int64),
            PETITION_START + np.minimum(rng.exponential(4 * DAY, len(who)), 25 * DAY).astype(np.int64),
        )
        t = np.minimum(np.maximum(t, pop.active_from[who] + 60), WINDOW_END - 1)
        order = np.argsort(t, kind="stable")
        return t[order], who[order]

    # --- originals ---
    def originals(self, day_start: int) -> PostBatch:
        return PostBatch.concat(
            [self._ordinary(day_start), self._politicians(day_start), self._petition_posts(day_start)]
        )

    def _ordinary(self, day_start: int) -> PostBatch:
        pop, rng, org = self._pop, self._rng, self._org
        live = pop.active_from[org] < day_start + DAY
        counts = rng.poisson(self._rate[ORIGINAL] * live * organic_day_factor(day_start))
        author = np.repeat(org, counts)
        n = len(author)
        if not n:
            return PostBatch.empty()
        t = np.minimum(
            np.maximum(times_in_day(rng, day_start, n, CANADA), pop.active_from[author] + 60),
            day_start + DAY - 1,
        )
        lang = pop.post_langs(author, rng)
        url = np.full(n, -1, np.int32)
        u = rng.random(n)
        p_news = 0.18 * self._coord
        news = np.flatnonzero(u < p_news)
        everyday = np.flatnonzero((u >= p_news) & (u < p_news + 0.2))
        opinion = np.flatnonzero(u >= p_news + 0.2)
        text = [""] * n
        stories = self._news.stories(day_start, NEWS_STORIES_PER_DAY)
        weights = np.array([s.weight for s in stories])
        picks = rng.choice(len(stories), len(news), p=weights / weights.sum())
        for i, story, v in zip(news.tolist(), picks.tolist(), rng.random(len(news)).tolist(), strict=True):
            item = stories[story]
            text[i] = self._news.share_text(item, v)
            lang[i], url[i] = item.lang, item.url
        place(text, everyday, self._texts.everyday(lang[everyday]))
        place(text, opinion, self._texts.opinions(lang[opinion]))
        media = np.zeros(n, bool)
        media[everyday] = rng.random(len(everyday)) < 0.3
        media[opinion] = rng.random(len(opinion)) < 0.08
        return original_posts(
            self._mint,
            pop,
            rng,
            t=t,
            author=author,
            lang=lang,
            text=text,
            url=url,
            media=media,
        )

    def _politicians(self, day_start: int) -> PostBatch:
        pop, rng = self._pop, self._rng
        counts = rng.poisson(self._pol_rate * politician_day_factor(day_start))
        author = np.repeat(pop.politicians, counts)
        if not len(author):
            return PostBatch.empty()
        t = times_in_day(rng, day_start, len(author), POLITICIAN_HOURS)
        lang = pop.post_langs(author, rng)
        return original_posts(
            self._mint,
            pop,
            rng,
            t=t,
            author=author,
            lang=lang,
            text=self._texts.politician(lang),
            media=rng.random(len(author)) < 0.35,
        )

    def _petition_posts(self, day_start: int) -> PostBatch:
        times, who = self._petition
        lo, hi = np.searchsorted(times, [day_start, day_start + DAY])
        if hi == lo:
            return PostBatch.empty()
        t, author = times[lo:hi], who[lo:hi]
        lang = self._pop.lang1[author]
        return PostBatch.build(
            post_id=self._mint.mint(t),
            t=t,
            author=author,
            kind=ORIGINAL,
            lang=lang,
            client=self._pop.post_clients(author, self._rng),
            text=[self._news.petition_text(c) for c in lang.tolist()],
            url=np.full(len(t), self._news.petition_url),
        )

    # --- reactions ---
    def reactions(self, anchors: PostBatch, day_start: int) -> PostBatch:
        """Replies, retweets and quotes that ordinary users give the day's posts, and fan storms."""
        samplers = self._samplers(day_start)
        parts = [self._react(anchors, kind, samplers[kind]) for kind in (REPLY, RETWEET, QUOTE)]
        parts.append(self._storms(anchors))
        return PostBatch.concat(parts)

    def _samplers(self, day_start: int) -> dict[int, WeightedSampler]:
        if self._day_samplers is None or self._day_samplers[0] != day_start:
            live = self._pop.active_from[self._org] < day_start + DAY
            made = {k: WeightedSampler(self._org, self._rate[k] * live) for k in (REPLY, RETWEET, QUOTE)}
            self._day_samplers = (day_start, made)
        return self._day_samplers[1]

    def _react(self, anchors: PostBatch, kind: int, sampler: WeightedSampler) -> PostBatch:
        pop, rng = self._pop, self._rng
        counts = overdispersed(rng, self._per_attention[kind] * pop.attention[anchors.author])
        idx = repeat_rows(counts)
        median, sigma = DELAYS[kind]
        t = anchors.t[idx] + lognormal_delay(rng, len(idx), median, sigma, MAX_DELAY)
        who = sampler.draw(rng, len(idx))
        keep = (t < WINDOW_END) & (who != anchors.author[idx]) & (pop.active_from[who] <= t)
        idx, t, who = idx[keep], t[keep], who[keep]
        if kind != REPLY:  # nobody retweets or quotes the same post twice
            first = unique_pairs(idx, who)
            idx, t, who = idx[first], t[first], who[first]
        return self._reaction(anchors, idx, who, t, kind, generic_share=GENERIC_SHARE)

    def _storms(self, anchors: PostBatch) -> PostBatch:
        """A popular politician posts; dozens of fans retweet or cheer within minutes."""
        pop, rng = self._pop, self._rng
        slots = self._slot[anchors.author]
        rows = np.flatnonzero(slots >= 0)
        rows = rows[rng.random(len(rows)) < self._p_storm[slots[rows]]]
        idx_parts, who_parts = [], []
        for row in rows.tolist():
            fans = self._fans[slots[row]]
            size = min(len(fans), int(rng.poisson(0.5 * len(fans))))
            if size:
                idx_parts.append(np.full(size, row))
                who_parts.append(rng.choice(fans, size, replace=False))
        if not idx_parts:
            return PostBatch.empty()
        idx, who = np.concatenate(idx_parts), np.concatenate(who_parts)
        t = anchors.t[idx] + 15 + rng.exponential(180, len(idx)).astype(np.int64)
        keep = (t < WINDOW_END) & (pop.active_from[who] <= t)
        idx, who, t = idx[keep], who[keep], t[keep]
        cheer = rng.random(len(idx)) < 0.25
        return PostBatch.concat(
            [
                self._reaction(anchors, idx[~cheer], who[~cheer], t[~cheer], RETWEET),
                self._reaction(anchors, idx[cheer], who[cheer], t[cheer], REPLY, generic_share=1.0),
            ]
        )

    def _reaction(
        self,
        anchors: PostBatch,
        idx: np.ndarray,
        who: np.ndarray,
        t: np.ndarray,
        kind: int,
        generic_share: float = 0.0,
    ) -> PostBatch:
        pop, rng = self._pop, self._rng
        if not len(idx):
            return PostBatch.empty()
        handles = pop.handles.take(anchors.author[idx]).to_pylist()
        if kind == RETWEET:
            lang = anchors.lang[idx]
            text = retweet_texts(anchors, idx, handles)
        else:
            lang = pop.post_langs(who, rng)
            generic = rng.random(len(idx)) < generic_share
            body = [""] * len(idx)
            for rows, make in (
                (np.flatnonzero(generic), self._texts.generic),
                (np.flatnonzero(~generic), self._texts.opinions),
            ):
                place(body, rows, make(lang[rows]))
            text = [f"@{h} {b}" for h, b in zip(handles, body, strict=True)] if kind == REPLY else body
        return reaction_batch(
            self._mint.mint(t),
            anchors,
            idx,
            author=who,
            kind=kind,
            t=t,
            lang=lang,
            client=pop.post_clients(who, rng),
            text=text,
        )
