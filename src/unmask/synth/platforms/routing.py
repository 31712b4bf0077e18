"""Which platforms each post appears on.

Everyone has X (the scenario is built on X traffic) and, by one law for all, accounts on some other
platforms. An original goes to one of its author's platforms (by personal preference) and may be
cross-posted to others minutes later: politicians publish every statement on X, Facebook and YouTube
(and now and then in r/CanadaPolitics); operators push each piece of content through several of a
persona's accounts (Spamouflage reposted the same texts and videos on every platform it used);
ordinary people cross-post now and then. A reaction goes to one copy of the post it answers, on a
platform its author has (by preference), that exists by then and has that kind of post (retweets and
quotes exist on X and, as shares, on Facebook; TikTok's API gives videos only); with none, it is not
written. So a flood on an MP's statement is spread over every platform the statement is on.

Posts before the window (earlier lives, hijacked accounts' included) stay on X, where the scenario
gives accounts their age. Every choice is a hash of the post's id, so a reaction finds its post's
copies without any memory of earlier days.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from unmask.synth.accounts import Population
from unmask.synth.batch import ORIGINAL, QUOTE, REPLY, RETWEET, PostBatch
from unmask.synth.config import WINDOW_START, Plan
from unmask.synth.ids import TWITTER_EPOCH_MS
from unmask.synth.platforms.ids import unit_floats
from unmask.synth.platforms.names import X

PRESENCE = {
    X: 1.0, "facebook": 0.6, "youtube": 0.35, "reddit": 0.2, "tiktok": 0.25, "instagram": 0.4,
    "telegram": 0.15, "bluesky": 0.2,
}  # fmt: skip
OFFICIAL = {X: 0.45, "facebook": 0.35, "youtube": 0.20}  # politicians' and the critic's own platforms
OFFICIAL_REDDIT = 0.3  # share of their statements also submitted to Reddit
PREFERENCE_SPREAD = 0.4  # sigma of the lognormal weight of each platform a person has
KINDS = {
    X: (ORIGINAL, REPLY, RETWEET, QUOTE),
    "facebook": (ORIGINAL, REPLY, RETWEET, QUOTE),
    "tiktok": (ORIGINAL,),  # its API's comments name no commenter
    "instagram": (ORIGINAL,),  # CrowdTangle exported no comments
    "telegram": (ORIGINAL, REPLY, RETWEET),  # forwards, but no quotes
    "bluesky": (ORIGINAL, REPLY, RETWEET, QUOTE),
}
COMMENTS_ONLY = (ORIGINAL, REPLY)
CROSS_POST = {"organic": 0.08, "campaign": 0.5}  # chance an original is copied to another platform
COPY_DELAY = (180.0, 1.0)  # lognormal median seconds and sigma of a copy after its original
DROPPED = -1
MIN_POSTS = 1000  # Plan.build's floor
_BUDGETS = (
    "politician_posts", "campaign_window_posts", "hijacked_history_posts", "organic_history_posts",
    "organic_window_posts",
)  # fmt: skip


@dataclass
class Routes:
    """Per post its platform (index, or DROPPED); and the copies: post row, platform, seconds later."""

    platform: np.ndarray
    copy_row: np.ndarray
    copy_platform: np.ndarray
    copy_delay: np.ndarray


@dataclass
class _Spread:
    """Where the originals given by their ids are: a primary platform, copies, and the copies' delay."""

    primary: np.ndarray  # platform index
    on: np.ndarray  # bool (n, platforms): primary and copies
    delay: np.ndarray  # seconds from the original to its copies


class Router:
    def __init__(self, pop: Population, platforms: tuple[str, ...], seed: int) -> None:
        rng = np.random.default_rng([seed, 0x524F5554])
        n, k = len(pop), len(platforms)
        present = rng.random((n, k)) < np.array([PRESENCE[p] for p in platforms])
        prefs = rng.lognormal(0.0, PREFERENCE_SPREAD, (n, k))
        self._official = np.zeros(n, bool)
        self._official[np.append(pop.politicians, pop.critic)] = True
        shares = np.array([OFFICIAL.get(p, 0.0) for p in platforms])
        if shares.any():  # else (no official platform chosen) they are people like everyone
            prefs[self._official] = shares
            present[self._official] = (shares > 0) | (np.array(platforms) == "reddit")
        nowhere = ~present.any(axis=1)  # only possible without X
        present[nowhere, np.argmax(prefs[nowhere], axis=1)] = True
        prefs *= present
        self._present = present
        self._prefs = prefs / prefs.sum(axis=1, keepdims=True)
        self._reddit = platforms.index("reddit") if "reddit" in platforms else -1
        self._home = platforms.index(X) if X in platforms else -1
        self._kinds = np.array(
            [
                [kind in KINDS.get(p, COMMENTS_ONLY) for kind in (ORIGINAL, REPLY, RETWEET, QUOTE)]
                for p in platforms
            ]
        )
        self._cross = np.where(pop.is_campaign, CROSS_POST["campaign"], CROSS_POST["organic"])

    def route(self, batch: PostBatch) -> Routes:
        original = batch.kind == ORIGINAL
        past = original & (batch.t < WINDOW_START)
        root = np.where(original, batch.post_id, batch.parent)
        spread = self._spread(root, np.where(original, batch.author, batch.parent_author))
        if self._home >= 0:
            spread.primary[past] = self._home
            spread.on[past] = False
            spread.on[past, self._home] = True
        # a reaction: a copy that exists by then, on a platform its author has, with that kind of post
        posted = (TWITTER_EPOCH_MS + (root >> 22)) // 1000
        open_ = spread.on & (batch.t >= posted + spread.delay)[:, None]
        open_[np.arange(len(batch)), spread.primary] = spread.on[np.arange(len(batch)), spread.primary]
        allowed = open_ & self._present[batch.author] & self._kinds[:, batch.kind].T
        weights = self._prefs[batch.author] * allowed
        chosen = _pick(weights, unit_floats(batch.post_id, "reaction-platform"))
        platform = np.where(original, spread.primary, np.where(allowed.any(axis=1), chosen, DROPPED))
        rows, where = np.nonzero(spread.on & original[:, None])
        copy = where != spread.primary[rows]
        rows, where = rows[copy], where[copy]
        return Routes(platform, rows, where, spread.delay[rows])

    def _spread(self, root: np.ndarray, author: np.ndarray) -> _Spread:
        n = len(root)
        primary = _pick(self._prefs[author], unit_floats(root, "platform"))
        on = np.zeros((n, self._prefs.shape[1]), bool)
        on[np.arange(n), primary] = True
        crossed = unit_floats(root, "cross-post") < self._cross[author]
        others = self._prefs[author] * ~on
        second = _pick(others, unit_floats(root, "copy-to"))
        crossed &= others.sum(axis=1) > 0
        on[np.flatnonzero(crossed), second[crossed]] = True
        official = self._official[author]  # every statement on each of their platforms
        on[official] |= self._prefs[author[official]] > 0
        if self._reddit >= 0:
            on[official, self._reddit] |= unit_floats(root[official], "official-reddit") < OFFICIAL_REDDIT
        median, sigma = COPY_DELAY
        delay = np.exp(np.log(median) + sigma * _normal_from_uniform(unit_floats(root, "copy-delay")))
        return _Spread(primary, on, delay.astype(np.int64) + 30)


def _pick(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Per row, the column drawn in proportion to the row's weights (u uniform in [0, 1))."""
    total = weights.sum(axis=1, keepdims=True)
    cum = np.cumsum(weights / np.where(total > 0, total, 1.0), axis=1)
    return np.minimum((cum <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def _normal_from_uniform(u: np.ndarray) -> np.ndarray:
    """Standard normal quantiles of uniform numbers (logistic approximation, plenty for delays)."""
    clipped = np.clip(u, 1e-9, 1 - 1e-9)
    return np.log(clipped / (1 - clipped)) / 1.702


def platform_plan(posts: int, seed: int, difficulty: str, platforms: tuple[str, ...]) -> Plan:
    """The plan of a run on several platforms: fewer people, each as active on each of their platforms
    as a person of the X-only run is on X (the same post budgets, shared by fewer people)."""
    factor = max(1.0, sum(PRESENCE[p] for p in platforms))  # alone, a platform has everyone
    plan = Plan.build(max(round(posts / factor), MIN_POSTS), seed, difficulty)
    scaled = {name: getattr(plan, name) * factor for name in _BUDGETS}
    return replace(plan, posts=posts, **scaled)
