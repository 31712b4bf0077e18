"""Scenario knobs: the timeline, the difficulty presets and the sizes derived from the requested post count.

Every number that shapes the scenario lives here so that tuning the balance between "hidden" and
"detectable" happens in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from unmask.errors import InputError


def ts(year: int, month: int, day: int, hour: int = 0) -> int:
    """POSIX seconds of a UTC wall-clock time."""
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


DAY = 86_400
HISTORY_START = ts(2022, 1, 1)  # earliest "earlier life" posts (hijacked and long-lived accounts)
WINDOW_START = ts(2023, 8, 1)  # the collection window: Canadian political traffic
WINDOW_END = ts(2023, 10, 1)
CAMPAIGN_START = ts(2023, 8, 6)
SEPTEMBER = ts(2023, 9, 1)
BURST_START = ts(2023, 9, 1)  # Labour Day long weekend (Fri 1 – Mon 4 September 2023)
BURST_END = ts(2023, 9, 5)
HAWAII_START = ts(2023, 8, 10)  # side narrative: Maui fires "weather weapon"
FUKUSHIMA_START = ts(2023, 8, 24)  # side narrative: Fukushima treated-water release
PETITION_START = ts(2023, 8, 12, 15)
MAX_DELAY = 3 * DAY  # no reaction comes later than this after its post (bounds pending state)

# Creation batches of the campaign's new accounts, and waves of genuinely new organic users that
# fall in the same months (so account age alone cannot separate the two).
NEW_ACCOUNT_BATCHES: tuple[int, ...] = (ts(2023, 6, 14), ts(2023, 7, 6), ts(2023, 7, 27), ts(2023, 8, 17))
ORGANIC_WAVES: tuple[tuple[int, int, float], ...] = (
    (ts(2023, 7, 3), 5 * DAY, 0.08),  # (start, width, share of organic accounts)
    (ts(2023, 8, 9), 6 * DAY, 0.06),
)

POSTS_PER_ACCOUNT = 13.0
N_POLITICIANS = 52
N_TARGETED = 49  # the PM, the opposition leader and 47 MPs
MIN_ACCOUNTS = 400
HISTORY_POSTS_PER_ACCOUNT = 12.5  # mean earlier-life posts (see accounts.HISTORY_LOG_POSTS)


@dataclass(frozen=True)
class Difficulty:
    """How hard the campaign is to find: its size, how much its texts vary, how loose its timing is."""

    name: str
    campaign_share: float  # campaign accounts / all accounts
    variant_depth: int  # paraphrase alternatives each template slot may use (larger = more paraphrase)
    mutation_rate: float  # chance of each cosmetic change (emoji, suffix, hashtag, name form)
    typo_rate: float  # chance per word of a typo
    wave_size: float  # mean accounts in a reply wave while the network is small (waves grow with it)
    template_loyalty: float  # chance a wave reply uses the wave's template of the day
    wave_gap_minutes: float  # mean gap between two replies of one wave
    wave_start_minutes: float  # median delay between a politician's post and the first campaign reply
    burst_factor: float  # campaign activity multiplier over the Labour Day weekend
    batch_spread_days: float  # half-width of a creation batch
    organic_coordination: float  # multiplier on fan storms, the petition and news sharing


DIFFICULTIES: dict[str, Difficulty] = {
    "easy": Difficulty("easy", 0.04, 2, 0.25, 0.01, 10.0, 0.9, 1.5, 20.0, 7.0, 1.0, 0.7),
    "normal": Difficulty("normal", 0.03, 3, 0.45, 0.03, 7.0, 0.8, 4.0, 35.0, 5.5, 1.5, 1.0),
    "hard": Difficulty("hard", 0.02, 99, 0.7, 0.06, 5.0, 0.6, 10.0, 70.0, 4.0, 2.5, 1.6),
}


@dataclass(frozen=True)
class Plan:
    """Sizes for one run: how many accounts of each kind and how many posts each activity gets."""

    posts: int
    seed: int
    difficulty: Difficulty
    n_accounts: int
    n_campaign: int
    n_hijacked: int
    n_organic: int  # ordinary organic accounts (politicians and the critic excluded)
    politician_posts: float
    campaign_window_posts: float
    hijacked_history_posts: float
    organic_history_posts: float
    organic_window_posts: float

    @property
    def n_new_campaign(self) -> int:
        return self.n_campaign - self.n_hijacked

    @classmethod
    def build(cls, posts: int, seed: int, difficulty: str) -> Plan:
        if difficulty not in DIFFICULTIES:
            raise InputError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}")
        if posts < 1000:
            raise InputError(
                f"posts must be at least 1000 to hold a campaign among organic traffic, not {posts}"
            )
        diff = DIFFICULTIES[difficulty]
        n_accounts = max(MIN_ACCOUNTS, round(posts / POSTS_PER_ACCOUNT))
        n_campaign = max(12, round(n_accounts * diff.campaign_share))
        n_hijacked = round(n_campaign * 0.45)
        n_organic = n_accounts - n_campaign - N_POLITICIANS - 1
        # politicians post a few times a day at most: at scale their posts just draw more replies
        politician_posts = min(max(0.05 * posts, 10.0 * N_POLITICIANS), 3.0 * 61 * N_POLITICIANS)
        campaign_window = 2.0 * n_campaign * posts / n_accounts
        hijacked_history = HISTORY_POSTS_PER_ACCOUNT * n_hijacked
        organic_history = 0.2 * 0.58 * n_organic * HISTORY_POSTS_PER_ACCOUNT  # a fifth of pre-2022 accounts
        organic_window = posts - politician_posts - campaign_window - hijacked_history - organic_history
        return cls(
            posts=posts,
            seed=seed,
            difficulty=diff,
            n_accounts=n_accounts,
            n_campaign=n_campaign,
            n_hijacked=n_hijacked,
            n_organic=n_organic,
            politician_posts=politician_posts,
            campaign_window_posts=campaign_window,
            hijacked_history_posts=hijacked_history,
            organic_history_posts=organic_history,
            organic_window_posts=max(organic_window, 0.3 * posts),
        )
