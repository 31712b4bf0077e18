"""Ottawa wall-clock time, for exports that print local time (Telegram Desktop's `date`, CrowdTangle's
dashboards): the analyst who exported them sat in Eastern time.

The North American rule since 2007, computed here rather than read from the system's zone database
so the same seed gives the same bytes on any machine: daylight time from the second Sunday of March
at 02:00 EST to the first Sunday of November at 02:00 EDT.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from unmask.synth.rendering import time_strings

EST, EDT = -5 * 3600, -4 * 3600


def _sunday_on_or_after(day: date) -> date:
    return day + timedelta(days=(6 - day.weekday()) % 7)


def _daylight_bounds(year: int) -> tuple[int, int]:
    """POSIX seconds when daylight time starts (07:00 UTC) and ends (06:00 UTC) in `year`."""
    start = datetime.combine(_sunday_on_or_after(date(year, 3, 8)), datetime.min.time(), UTC)
    end = datetime.combine(_sunday_on_or_after(date(year, 11, 1)), datetime.min.time(), UTC)
    return int(start.timestamp()) + 7 * 3600, int(end.timestamp()) + 6 * 3600


def is_daylight(t: np.ndarray) -> np.ndarray:
    """Per POSIX second: is Eastern daylight time in force?"""
    years = (t.astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int64)
    out = np.zeros(len(t), bool)
    for year in np.unique(years).tolist():
        start, end = _daylight_bounds(year)
        rows = years == year
        out[rows] = (t[rows] >= start) & (t[rows] < end)
    return out


def local_strings(t: np.ndarray) -> tuple[list[str], list[str]]:
    """('YYYY-MM-DDTHH:MM:SS' in Eastern time, 'EDT' or 'EST') per POSIX second."""
    daylight = is_daylight(t)
    local = time_strings(t + np.where(daylight, EDT, EST)).to_pylist()
    return local, np.where(daylight, "EDT", "EST").tolist()
