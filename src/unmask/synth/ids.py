"""Platform-like identifiers: snowflake tweet ids sorting by time, user ids revealing only creation time."""

from __future__ import annotations

import numpy as np

from unmask.errors import UnmaskError

TWITTER_EPOCH_MS = 1_288_834_974_657  # snowflake epoch (2010-11-04)
SNOWFLAKE_USERS_FROM = 1_356_998_400  # 2013-01-01: before it, user ids were small sequential numbers
_LEGACY_START = 1_152_921_600  # 2006-07-15
_LOW_BITS = (1 << 22) - 1
_SCRAMBLE = 2_654_435_761  # odd: multiplying by it permutes the low 22 bits


class IdCollisionError(UnmaskError):
    """Two posts got the same id: the run is larger than the id scheme supports."""


class TweetIdMint:
    """Hands out snowflake ids: time in the high bits, a scrambled running counter in the low 22 bits.

    Two posts can only collide when they share a millisecond and their counters are 2**22 apart,
    which the generator's time-ordered creation rules out for runs below ~60M posts; `check_unique`
    verifies it for every written slice.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._counter = 0

    def mint(self, t_seconds: np.ndarray) -> np.ndarray:
        n = len(t_seconds)
        ms = t_seconds.astype(np.int64) * 1000 + self._rng.integers(0, 1000, n)
        counter = np.arange(self._counter, self._counter + n, dtype=np.int64)
        self._counter += n
        low = (counter * _SCRAMBLE) & _LOW_BITS
        return ((ms - TWITTER_EPOCH_MS) << 22) | low


def check_unique(sorted_ids: np.ndarray) -> None:
    if len(sorted_ids) > 1 and not np.all(np.diff(sorted_ids) > 0):
        raise IdCollisionError("duplicate post ids in one slice: the scenario is too large for the id scheme")


def user_ids(created: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """User ids from creation times: sequential-looking before 2013, snowflakes after; always unique."""
    created = created.astype(np.int64)
    legacy = created < SNOWFLAKE_USERS_FROM
    span = SNOWFLAKE_USERS_FROM - _LEGACY_START
    frac = (created - _LEGACY_START).clip(0, span) / span
    legacy_ids = (1_000_000 + frac * 1_100_000_000).astype(np.int64) + rng.integers(0, 50_000, len(created))
    snow_ids = (
        (created * 1000 + rng.integers(0, 1000, len(created)) - TWITTER_EPOCH_MS) << 22
    ) | rng.integers(0, 1 << 22, len(created))
    ids = np.where(legacy, legacy_ids, snow_ids)
    order = np.argsort(ids, kind="stable")
    # bump the rare equal neighbours: x'_i = max(x_i, x'_{i-1} + 1)
    rank = np.arange(len(ids), dtype=np.int64)
    ids[order] = np.maximum.accumulate(ids[order] - rank) + rank
    return ids
