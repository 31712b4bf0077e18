"""Vectorised random helpers shared by the organic and campaign generators."""

from __future__ import annotations

import numpy as np


class WeightedSampler:
    """Draws items with probability proportional to fixed weights (cumulative sums + binary search)."""

    def __init__(self, items: np.ndarray, weights: np.ndarray) -> None:
        keep = weights > 0
        self.items = items[keep]
        self._cum = np.cumsum(weights[keep])

    @property
    def empty(self) -> bool:
        return len(self.items) == 0

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.empty:
            return np.zeros(0, self.items.dtype)
        pos = np.searchsorted(self._cum, rng.random(n) * self._cum[-1], side="right")
        return self.items[np.minimum(pos, len(self.items) - 1)]


def overdispersed(rng: np.random.Generator, mean: np.ndarray, shape: float = 1.2) -> np.ndarray:
    """Counts with the heavy spread of real engagement: Poisson with a gamma-distributed mean."""
    mean = np.asarray(mean, float)
    return rng.poisson(mean * rng.gamma(shape, 1 / shape, mean.shape))


def lognormal_delay(
    rng: np.random.Generator, n: int, median_s: float, sigma: float, cap_s: int
) -> np.ndarray:
    return np.clip(rng.lognormal(np.log(median_s), sigma, n), 20, cap_s).astype(np.int64)


def repeat_rows(counts: np.ndarray) -> np.ndarray:
    """Index of the row each of sum(counts) new items belongs to."""
    return np.repeat(np.arange(len(counts)), counts)


def unique_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each (a, b) pair, in their original order."""
    if not len(a):
        return np.zeros(0, np.int64)
    key = a.astype(np.int64) * (int(b.max()) + 1) + b.astype(np.int64)
    _, first = np.unique(key, return_index=True)
    return np.sort(first)


def weighted_samples(
    rng: np.random.Generator, pool: np.ndarray, weights: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each requested size, that many distinct items of `pool` drawn with probability proportional to
    `weights` (Efraimidis-Spirakis keys, all rows at once). Returns the items concatenated row by row and
    the sizes actually drawn (never more than the pool)."""
    sizes = np.minimum(sizes, len(pool))
    if not len(pool) or not len(sizes):
        return np.zeros(0, pool.dtype), np.zeros(len(sizes), sizes.dtype)
    k = int(sizes.max())
    keys = np.log(rng.random((len(sizes), len(pool)))) / weights
    top = np.argpartition(-keys, k - 1, axis=1)[:, :k]
    top = np.take_along_axis(top, np.argsort(-np.take_along_axis(keys, top, axis=1), axis=1), axis=1)
    return pool[top[np.arange(k) < sizes[:, None]]], sizes
