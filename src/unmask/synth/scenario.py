"""The day loop: runs every generator for one day, settles metrics and hands back the day's posts in id order.

Reactions are planned together with the posts they answer and parked under the day they happen, so
each day is complete when it is handed out and nothing of it needs to be kept afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from unmask.synth.accounts import Population, build_population
from unmask.synth.batch import Pending, PostBatch
from unmask.synth.campaign import CampaignActivity
from unmask.synth.campaign_texts import CampaignTexts
from unmask.synth.config import DAY, HISTORY_START, WINDOW_END, WINDOW_START, Plan
from unmask.synth.engagement import settle
from unmask.synth.history import EarlierLives
from unmask.synth.ids import TweetIdMint, check_unique
from unmask.synth.news import NewsDesk
from unmask.synth.organic import OrganicActivity
from unmask.synth.texts import OrganicTexts
from unmask.synth.urls import UrlBook

HISTORY_SLICE_POSTS = 20_000
HISTORY_SPAN = 7 * DAY


@dataclass(slots=True)
class DaySlice:
    """Posts ready to write, and which of them later posts point at (X API `includes.tweets`)."""

    posts: PostBatch  # sorted by id (= by time)
    referenced: np.ndarray  # bool per post: later posts reply to, retweet or quote it


class Scenario:
    """All state of one run: the population, the generators and the reactions waiting for their day."""

    def __init__(self, plan: Plan) -> None:
        streams = [np.random.default_rng(s) for s in np.random.SeedSequence(plan.seed).spawn(9)]
        self.plan = plan
        self.urls = UrlBook()
        self.pop: Population = build_population(plan, streams[0])
        mint = TweetIdMint(streams[1])
        organic_texts = OrganicTexts(streams[2])
        self._lives = EarlierLives(self.pop, streams[3], mint, organic_texts)
        self._organic = OrganicActivity(
            plan, self.pop, streams[4], mint, organic_texts, NewsDesk(streams[7], self.urls)
        )
        campaign_texts = CampaignTexts(streams[8], plan.difficulty, self.urls)
        self._campaign = CampaignActivity(plan, self.pop, streams[5], mint, campaign_texts)
        self._rng = streams[6]
        self._pending = Pending(WINDOW_START)

    def days(self) -> Iterator[DaySlice]:
        """Slices in time order: earlier lives in spans gathered into large slices, then one per day."""
        gathered: list[PostBatch] = []
        size = 0
        for start in range(HISTORY_START, WINDOW_START, HISTORY_SPAN):
            posts = self._lives.posts(start, min(start + HISTORY_SPAN, WINDOW_START))
            settle(posts, PostBatch.empty(), self.pop, self._rng)
            gathered.append(posts)
            size += len(posts)
            if size >= HISTORY_SLICE_POSTS or start + HISTORY_SPAN >= WINDOW_START:
                yield self._slice(PostBatch.concat(gathered), PostBatch.empty())
                gathered, size = [], 0
        for day_start in range(WINDOW_START, WINDOW_END, DAY):
            yield self._day(day_start)

    def _day(self, day_start: int) -> DaySlice:
        originals = PostBatch.concat(
            [self._organic.originals(day_start), self._campaign.originals(day_start)]
        )
        reactions = PostBatch.concat(
            [
                self._organic.reactions(originals, day_start),
                self._campaign.waves(originals, day_start),
                self._campaign.amplify(originals),
            ]
        )
        settle(originals, reactions, self.pop, self._rng)
        settle(reactions, PostBatch.empty(), self.pop, self._rng)
        self._pending.add(reactions)
        return self._slice(PostBatch.concat([originals, self._pending.pop(day_start)]), reactions)

    @staticmethod
    def _slice(posts: PostBatch, reactions: PostBatch) -> DaySlice:
        posts = posts.take(np.argsort(posts.post_id, kind="stable"))
        check_unique(posts.post_id)
        return DaySlice(posts, np.isin(posts.post_id, reactions.parent))
