"""Each person's account on each platform: its id, handle, display name and creation time.

Names follow one law for everyone, campaign or organic: about half keep their X handle on another
platform, a quarter a variant of it, the rest an unrelated one; display names mostly carry over.
Operators reuse personas across platforms (Spamouflage did) and so do ordinary people, so a shared
name alone proves nothing. An account is often opened the same day as the X one, otherwise months
apart; operators open a new persona's accounts all at once. Politicians and the critic keep their
official handle everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from unmask.synth.accounts import CAMPAIGN_NEW, Population
from unmask.synth.config import DAY, ts
from unmask.synth.platforms.ids import BASE32, BASE64URL, encode, mix, numeric_ids, ranked_ids
from unmask.synth.platforms.names import PLATFORMS, X

SAME_HANDLE, VARIANT_HANDLE = 0.5, 0.25  # the rest: an unrelated handle
SAME_NAME = 0.85
KEYED_BY_NAME = ("reddit", "tiktok", "instagram")  # their exports name accounts by username only
SAME_DAY = 0.35  # share of accounts opened the same day as the X account
EARLIEST = ts(2006, 1, 1)
_WORDS = (
    "maple", "north", "true", "blue", "river", "quiet", "lucky", "urban", "coffee", "hockey", "prairie",
    "coastal", "falcon", "cedar", "harbour", "winter", "sunny", "polar", "moose", "loon", "pixel", "retro",
)  # fmt: skip
_SYLLABLES = tuple(c + v for c in "bdfgklmnprstvz" for v in "aeiou")  # unrelated handles: "maple_kadoru"


@dataclass(frozen=True)
class Identities:
    """Per person (population index): the account as one platform knows it."""

    platform: str
    account_id: list[str]  # Reddit and TikTok: the username
    handle: list[str]
    name: list[str]
    created: np.ndarray  # int64 POSIX seconds


def build_identities(pop: Population, platform: str, seed: int) -> Identities:
    """X keeps the scenario's own accounts; other platforms derive theirs with their own random stream."""
    if platform == X:
        ids = [str(u) for u in pop.user_id.tolist()]
        return Identities(X, ids, pop.handles.to_pylist(), pop.names.to_pylist(), pop.created)
    rng = np.random.default_rng([seed, 0x504C4154, PLATFORMS.index(platform)])
    handles = _handles(pop, rng)
    account_ids = handles if platform in KEYED_BY_NAME else _account_ids(pop, platform)
    names = pop.names.to_pylist()
    renamed = (rng.random(len(pop)) >= SAME_NAME) & _ordinary(pop)
    names = [h if r else n for n, h, r in zip(names, handles, renamed.tolist(), strict=True)]
    return Identities(platform, account_ids, handles, names, _created(pop, rng))


def _ordinary(pop: Population) -> np.ndarray:
    """Everyone but the politicians and the critic, whose names are official everywhere."""
    return ~np.isin(np.arange(len(pop)), np.append(pop.politicians, pop.critic))


def _account_ids(pop: Population, platform: str) -> list[str]:
    if platform == "youtube":
        return ["UC" + c for c in encode(mix(pop.user_id, "youtube-channel"), BASE64URL, 22)]
    if platform == "bluesky":
        return ["did:plc:" + c for c in encode(mix(pop.user_id, "bluesky-account"), BASE32, 24)]
    if platform == "telegram":  # user ids grow with sign-up, as X's do
        return ["user" + str(u) for u in ranked_ids(pop.user_id, "telegram-account", 10)]
    return numeric_ids(pop.user_id, f"{platform}-account", 15)


def _handles(pop: Population, rng: np.random.Generator) -> list[str]:
    n = len(pop)
    u = rng.random((n, 4))
    syllables = rng.integers(0, len(_SYLLABLES), (n, 3)).tolist()
    base = pop.handles.to_pylist()
    ordinary = _ordinary(pop).tolist()
    seen: set[str] = set()
    out = []
    for i in range(n):
        ui = u[i]
        if not ordinary[i] or ui[0] < SAME_HANDLE:
            handle = base[i]
        elif ui[0] < SAME_HANDLE + VARIANT_HANDLE:
            handle = _variant(base[i], ui[1], int(ui[2] * 90) + 10)
        else:
            word = _WORDS[int(ui[1] * len(_WORDS))]
            digits = str(int(ui[3] * 900) + 10) if ui[2] < 0.5 else ""
            handle = f"{word}_{''.join(_SYLLABLES[k] for k in syllables[i])}{digits}"
        while handle.lower() in seen:
            handle = f"{handle[:24]}{int(rng.integers(10, 99))}"
        seen.add(handle.lower())
        out.append(handle)
    return out


def _variant(handle: str, style: float, digits: int) -> str:
    if style < 0.3:
        return handle.lower() + "_"
    if style < 0.6:
        return f"{handle}{digits}"
    if style < 0.8:
        return f"the{handle}"
    return f"{handle}_official" if style < 0.85 else f"real_{handle}"


def _created(pop: Population, rng: np.random.Generator) -> np.ndarray:
    """Opened the same day as the X account or months apart, always before its first post. Operators open
    a new persona's accounts together, so the campaign's creation batches recur on every platform."""
    n = len(pop)
    same = (rng.random(n) < SAME_DAY) | (pop.kind == CAMPAIGN_NEW)
    offset = np.where(
        same,
        rng.integers(-6 * 3600, 6 * 3600, n),
        np.sign(rng.random(n) - 0.5) * rng.lognormal(np.log(200 * DAY), 0.9, n),
    ).astype(np.int64)
    first_post = np.where(pop.hist_start > 0, np.minimum(pop.hist_start, pop.active_from), pop.active_from)
    return np.clip(pop.created + offset, EARLIEST, first_post - 3600)
