"""Earlier lives: posts before the window by long-lived accounts, organic and hijacked alike."""

from __future__ import annotations

import numpy as np

from unmask.synth.accounts import Population
from unmask.synth.batch import PostBatch, original_posts
from unmask.synth.config import DAY
from unmask.synth.ids import TweetIdMint
from unmask.synth.texts import OrganicTexts


class EarlierLives:
    """Emits the past posts of every account that has one, a span of days at a time."""

    def __init__(
        self, pop: Population, rng: np.random.Generator, mint: TweetIdMint, texts: OrganicTexts
    ) -> None:
        self._pop = pop
        self._rng = rng
        self._mint = mint
        self._texts = texts
        self._who = np.flatnonzero(pop.hist_start > 0)

    def posts(self, start: int, end: int) -> PostBatch:
        """Posts in [start, end), at any hour, at each account's own rate while its earlier life lasts."""
        pop, rng, who = self._pop, self._rng, self._who
        lo = np.maximum(pop.hist_start[who], start)
        hi = np.minimum(pop.hist_end[who], end)
        live = hi > lo
        who, lo, hi = who[live], lo[live], hi[live]
        counts = rng.poisson(pop.hist_rate[who] * (hi - lo) / DAY)
        rows = np.repeat(np.arange(len(who)), counts)
        if not len(rows):
            return PostBatch.empty()
        author = who[rows]
        t = lo[rows] + (rng.random(len(rows)) * (hi - lo)[rows]).astype(np.int64)
        lang = pop.hist_lang[author]
        return original_posts(
            self._mint,
            pop,
            rng,
            t=t,
            author=author,
            lang=lang,
            text=self._texts.history(lang, pop.hist_topic[author]),
            media=rng.random(len(author)) < 0.2,
        )
