"""When people post: hour-of-day profiles, weekly rhythm, and the campaign's calendar (ramp and burst)."""

from __future__ import annotations

import numpy as np

from unmask.synth.config import BURST_END, BURST_START, CAMPAIGN_START, DAY, SEPTEMBER, ts

# Relative activity per UTC hour. Canada: Eastern time is UTC-4 in summer, people post 7am to midnight.
_EASTERN_LOCAL = np.array([3, 2, 1, 1, 1, 2, 4, 6, 8, 8, 8, 8, 9, 8, 8, 8, 8, 8, 9, 10, 10, 9, 7, 5], float)
CANADA = np.roll(_EASTERN_LOCAL, 4) / _EASTERN_LOCAL.sum()
POLITICIAN_HOURS = np.roll(
    np.array([0, 0, 0, 0, 0, 0, 1, 4, 8, 10, 10, 9, 8, 8, 9, 9, 8, 7, 6, 5, 4, 2, 1, 0], float), 4
)
POLITICIAN_HOURS /= POLITICIAN_HOURS.sum()
# An office in UTC+8 working 9:00-18:00 (01:00-10:00 UTC), blended with posts timed for Canadian eyes.
_OFFICE = np.zeros(24)
_OFFICE[1:10] = 1.0
CAMPAIGN_HOURS = 0.6 * _OFFICE / _OFFICE.sum() + 0.4 * CANADA
LABOUR_DAY = ts(2023, 9, 4)


def times_in_day(rng: np.random.Generator, day_start: int, n: int, profile: np.ndarray) -> np.ndarray:
    hours = rng.choice(24, n, p=profile)
    return day_start + hours * 3600 + rng.integers(0, 3600, n)


def is_weekend(day_start: int) -> bool:
    return (day_start // DAY + 3) % 7 >= 5  # 1970-01-01 was a Thursday


def organic_day_factor(day_start: int) -> float:
    """Ordinary traffic dips a little on weekends; Labour Day itself brings holiday posting."""
    if day_start == LABOUR_DAY:
        return 1.4
    return 0.85 if is_weekend(day_start) else 1.0


def politician_day_factor(day_start: int) -> float:
    """Politicians post less on weekends."""
    return 0.6 if is_weekend(day_start) else 1.0


def campaign_day_factor(day_start: int, burst: float) -> float:
    """The campaign starts in August, intensifies in September, bursts over the long weekend and
    otherwise works office weeks."""
    if day_start < CAMPAIGN_START:
        return 0.0
    if BURST_START <= day_start < BURST_END:
        return burst
    base = 0.7 if day_start < SEPTEMBER else 1.2
    return base * (0.5 if is_weekend(day_start) else 1.0)
