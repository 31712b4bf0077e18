"""The accounts of the scenario as compact numpy columns, and their profile strings as Arrow arrays.

Profiles of organic and campaign accounts come from the same functions of (creation date, language,
activity): the campaign differs in how those inputs are chosen (creation batches, hijacked old
accounts), never in a field drawn from a private distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from unmask.synth import pools
from unmask.synth.config import (
    CAMPAIGN_START,
    DAY,
    HISTORY_START,
    N_POLITICIANS,
    N_TARGETED,
    NEW_ACCOUNT_BATCHES,
    ORGANIC_WAVES,
    WINDOW_END,
    WINDOW_START,
    Plan,
    ts,
)
from unmask.synth.ids import user_ids
from unmask.synth.pools import LANG
from unmask.synth.texts import HISTORY_TOPICS

ORGANIC, POLITICIAN, CRITIC, CAMPAIGN_NEW, CAMPAIGN_HIJACKED = 0, 1, 2, 3, 4
CAMPAIGN_ID = "spamouflage-1"
HIST_EVERYDAY = HISTORY_TOPICS.index("everyday")  # topic draws below are over (crypto, sport, everyday)
CRITIC_NAME = "Liang Yuming"
CELL_SIZE = 8
# Earlier-life post counts, the same law for hijacked and long-lived organic accounts.
HISTORY_MIN_POSTS = 3
HISTORY_LOG_POSTS = (2.0, 0.7)
_GROUP = {code: i for i, code in enumerate(pools.NAME_GROUPS)}
# Concatenated bio / location pools; an account stores an index into these (-1 = empty).
BIO_POOL: tuple[str, ...] = tuple(b for g in pools.NAME_GROUPS for b in pools.BIOS[g])
LOCATION_POOL: tuple[str, ...] = tuple(loc for g in pools.NAME_GROUPS for loc in pools.LOCATIONS[g])
_BIO_SPAN = np.cumsum([0] + [len(pools.BIOS[g]) for g in pools.NAME_GROUPS])
_LOC_SPAN = np.cumsum([0] + [len(pools.LOCATIONS[g]) for g in pools.NAME_GROUPS])
# Behaviour personas of ordinary accounts: shares of (original, reply, retweet, quote).
PERSONAS = np.array(
    [[0.65, 0.12, 0.20, 0.03], [0.12, 0.70, 0.15, 0.03], [0.10, 0.10, 0.78, 0.02], [0.34, 0.33, 0.30, 0.03]]
)
PERSONA_WEIGHTS = np.array([0.22, 0.30, 0.28, 0.20])


@dataclass
class Population:
    kind: np.ndarray  # int8
    created: np.ndarray  # int64 seconds
    user_id: np.ndarray  # int64
    decl_lang: np.ndarray  # int8 into pools.LANGS
    lang1: np.ndarray  # int8 main tweet language
    lang2: np.ndarray  # int8 second tweet language
    p_lang2: np.ndarray  # float32
    followers: np.ndarray  # int64
    following: np.ndarray  # int64
    listed: np.ndarray  # int64
    statuses: np.ndarray  # int64 lifetime post count before the window
    bio: np.ndarray  # int16 into BIO_POOL, -1 empty
    location: np.ndarray  # int16 into LOCATION_POOL, -1 empty
    has_url: np.ndarray  # bool: profile links a website
    client1: np.ndarray  # int8 main posting client
    client2: np.ndarray  # int8 occasional client
    weight: np.ndarray  # float64 activity weight
    mix: np.ndarray  # float64 (n, 4) organic behaviour shares
    active_from: np.ndarray  # int64 first second the account may post in the window
    hist_start: np.ndarray  # int64 earlier-life start (0 = none)
    hist_end: np.ndarray  # int64
    hist_lang: np.ndarray  # int8
    hist_topic: np.ndarray  # int8
    hist_rate: np.ndarray  # float64 earlier-life posts per day
    fan_of: np.ndarray  # int16 politician slot this account cheers for, -1
    cell: np.ndarray  # int16 campaign amplification cell, -1
    attention: np.ndarray  # float64 how much reaction a post of this account draws
    handles: pa.StringArray
    names: pa.StringArray
    politicians: np.ndarray  # account indices of politicians, PM first, opposition leader second
    prominence: np.ndarray  # float64 per politician
    targeted: np.ndarray  # bool per politician
    surnames: list[str]  # per politician
    critic: int

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def is_campaign(self) -> np.ndarray:
        return self.kind >= CAMPAIGN_NEW

    def post_langs(self, who: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return np.where(rng.random(len(who)) < self.p_lang2[who], self.lang2[who], self.lang1[who]).astype(
            np.int8
        )

    def post_clients(self, who: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return np.where(rng.random(len(who)) < 0.2, self.client2[who], self.client1[who]).astype(np.int8)


def build_population(plan: Plan, rng: np.random.Generator) -> Population:
    """All accounts: politicians, the critic, ordinary users, then the campaign's new and hijacked ones."""
    n_pol, n_org, n_new, n_hij = N_POLITICIANS, plan.n_organic, plan.n_new_campaign, plan.n_hijacked
    n = n_pol + 1 + n_org + n_new + n_hij
    kind = np.concatenate(
        [
            np.full(n_pol, POLITICIAN),
            [CRITIC],
            np.full(n_org, ORGANIC),
            np.full(n_new, CAMPAIGN_NEW),
            np.full(n_hij, CAMPAIGN_HIJACKED),
        ]
    ).astype(np.int8)
    org = kind == ORGANIC
    new = kind == CAMPAIGN_NEW
    hij = kind == CAMPAIGN_HIJACKED
    pol = kind == POLITICIAN
    critic = n_pol

    created = np.empty(n, np.int64)
    created[pol] = rng.integers(ts(2009, 1, 1), ts(2016, 12, 31), n_pol)
    created[critic] = ts(2014, 5, 20)
    created[org] = _organic_creation(rng, n_org)
    created[new] = _batch_creation(rng, n_new, plan.difficulty.batch_spread_days)
    created[hij] = rng.integers(ts(2009, 6, 1), ts(2019, 12, 31), n_hij)

    decl = np.empty(n, np.int8)
    decl[pol] = np.where(rng.random(n_pol) < 0.35, LANG["fr"], LANG["en"])
    decl[critic] = LANG["zh"]
    codes = list(pools.ORGANIC_LANG_MIX)
    decl[org] = [LANG[c] for c in rng.choice(codes, n_org, p=list(pools.ORGANIC_LANG_MIX.values()))]
    persona = np.full(n, -1, np.int8)  # campaign accounts' working language
    persona[new | hij] = rng.choice([LANG["en"], LANG["fr"], LANG["zh"]], n_new + n_hij, p=[0.5, 0.25, 0.25])
    decl[new] = _declared_for_persona(rng, persona[new])
    decl[hij] = rng.choice([LANG["ar"], LANG["es"], LANG["pt"]], n_hij)

    lang1, lang2, p_lang2 = _tweet_languages(rng, decl)
    camp = new | hij
    lang1[camp] = persona[camp]
    lang2[camp] = np.where(persona[camp] == LANG["en"], LANG["fr"], LANG["en"])
    p_lang2[camp] = np.where(persona[camp] == LANG["fr"], 0.25, 0.12)
    lang1[pol] = decl[pol]
    lang2[pol] = np.where(decl[pol] == LANG["fr"], LANG["en"], LANG["fr"])
    p_lang2[pol] = np.where(decl[pol] == LANG["fr"], 0.45, 0.3)

    weight = np.ones(n)
    weight[org] = rng.lognormal(0.0, 1.35, n_org)
    weight[camp] = rng.lognormal(0.0, 1.0, n_new + n_hij)
    mix = np.zeros((n, 4))
    mix[org] = (
        rng.dirichlet(np.ones(4), n_org) * 0.25 + PERSONAS[rng.choice(4, n_org, p=PERSONA_WEIGHTS)] * 0.75
    )
    weight[critic], mix[critic] = 25.0, PERSONAS[0]  # a prolific commentator: mostly his own posts

    age_days = (WINDOW_END - created) / DAY
    followers, following = _audience(rng, age_days, weight)
    prominence = _prominence(n_pol)
    followers[pol] = (prominence * 40_000 * rng.lognormal(0, 0.3, n_pol)).astype(np.int64) + 2_000
    following[pol] = rng.integers(150, 2_500, n_pol)
    followers[critic], following[critic] = 182_400, 311
    listed = (followers / rng.uniform(40, 120, n)).astype(np.int64)
    statuses = (age_days * 10 ** rng.normal(-0.4 + 0.3 * np.log10(weight), 0.5)).astype(np.int64)

    group = _name_group(rng, decl)
    bio = _pool_pick(rng, group, _BIO_SPAN, empty=0.28)
    location = _pool_pick(rng, group, _LOC_SPAN, empty=0.33)
    has_url = rng.random(n) < 0.12
    client_p = np.array(pools.CLIENT_WEIGHTS)
    client1 = rng.choice(len(pools.CLIENTS), n, p=client_p).astype(np.int8)
    client2 = rng.choice(len(pools.CLIENTS), n, p=client_p).astype(np.int8)

    active_from = np.maximum(created, WINDOW_START)
    active_from[new] = np.maximum(created[new] + rng.integers(2 * DAY, 12 * DAY, n_new), CAMPAIGN_START)
    active_from[hij] = rng.integers(CAMPAIGN_START, ts(2023, 8, 28), n_hij)

    hist = _histories(rng, kind, created, decl, lang1)

    fan_of = np.full(n, -1, np.int16)
    fans = org & (rng.random(n) < 0.2 * plan.difficulty.organic_coordination)
    fan_p = prominence**0.8 / (prominence**0.8).sum()
    fan_of[fans] = rng.choice(n_pol, int(fans.sum()), p=fan_p)
    cell = _cells(rng, persona)

    attention = 0.35 * np.sqrt((followers + 20) / 100)
    attention[camp] *= 0.15  # bought or fake followers: their posts draw few real reactions
    attention[pol] = prominence
    attention[critic] = 3.0

    handles, names, surnames = _handles_and_names(rng, kind, created, group)
    return Population(
        kind=kind,
        created=created,
        user_id=user_ids(created, rng),
        decl_lang=decl,
        lang1=lang1,
        lang2=lang2,
        p_lang2=p_lang2,
        followers=followers,
        following=following,
        listed=listed,
        statuses=statuses,
        bio=bio,
        location=location,
        has_url=has_url,
        client1=client1,
        client2=client2,
        weight=weight,
        mix=mix,
        active_from=active_from,
        fan_of=fan_of,
        cell=cell,
        attention=attention,
        handles=pa.array(handles, pa.string()),
        names=pa.array(names, pa.string()),
        politicians=np.flatnonzero(pol),
        prominence=prominence,
        targeted=np.arange(n_pol) < N_TARGETED,
        surnames=surnames,
        critic=critic,
        **hist,
    )


def _organic_creation(rng: np.random.Generator, n: int) -> np.ndarray:
    """Accounts of all ages, with recent months heavy and two bursts of genuinely new users."""
    eras = [
        (ts(2007, 1, 1), ts(2013, 1, 1), 0.12),
        (ts(2013, 1, 1), ts(2020, 1, 1), 0.30),
        (ts(2020, 1, 1), ts(2023, 1, 1), 0.24),
        (ts(2023, 1, 1), ts(2023, 9, 25), 0.20),
    ] + [(start, start + width, share) for start, width, share in ORGANIC_WAVES]
    shares = np.array([e[2] for e in eras])
    era = rng.choice(len(eras), n, p=shares / shares.sum())
    lo = np.array([e[0] for e in eras])[era]
    hi = np.array([e[1] for e in eras])[era]
    return lo + (rng.random(n) * (hi - lo)).astype(np.int64)


def _batch_creation(rng: np.random.Generator, n: int, spread_days: float) -> np.ndarray:
    batch = np.arange(n) % len(NEW_ACCOUNT_BATCHES)
    jitter = rng.uniform(-spread_days, spread_days, n) * DAY
    return np.array(NEW_ACCOUNT_BATCHES)[batch] + jitter.astype(np.int64)


def _declared_for_persona(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    """New accounts mostly keep the interface language of their persona; some leave it on English."""
    keep = rng.random(len(persona)) < np.where(
        persona == LANG["en"], 0.95, np.where(persona == LANG["fr"], 0.75, 0.6)
    )
    return np.where(keep, persona, np.where(persona == LANG["en"], LANG["fr"], LANG["en"])).astype(np.int8)


def _tweet_languages(rng: np.random.Generator, decl: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Main and second tweet language from the declared one: French and diaspora users often write English."""
    lang1 = decl.copy()
    lang2 = np.where(decl == LANG["en"], LANG["fr"], LANG["en"]).astype(np.int8)
    p2 = np.full(len(decl), 0.5)
    p2[decl == LANG["en"]] = 0.07
    p2[decl == LANG["fr"]] = 0.25
    p2[decl == LANG["zh"]] = 0.45
    return lang1, lang2, p2 * rng.uniform(0.5, 1.5, len(decl))


def _audience(
    rng: np.random.Generator, age_days: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    log_age = np.log10(np.maximum(age_days, 1) + 1)
    log_w = np.log10(weight)
    followers = 10 ** (0.6 + 0.55 * log_age + 0.25 * log_w + rng.normal(0, 0.55, len(age_days))) - 1
    following = 10 ** (1.1 + 0.4 * log_age + 0.1 * log_w + rng.normal(0, 0.5, len(age_days))) - 1
    return followers.astype(np.int64), np.minimum(following, 7_500).astype(np.int64)


def _prominence(n: int) -> np.ndarray:
    """How much attention each politician draws: the PM, the opposition leader, then a long tail of MPs."""
    tail = 8.0 / np.arange(1, n - 1) ** 0.7
    return np.concatenate([[40.0, 25.0], np.maximum(tail, 2.0)])


def _cells(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    """Amplification cells of about CELL_SIZE campaign accounts, each working in one language."""
    cell = np.full(len(persona), -1, np.int16)
    next_id = 0
    for lang in np.unique(persona[persona >= 0]).tolist():
        members = np.flatnonzero(persona == lang)
        k = max(1, round(len(members) / CELL_SIZE))
        cell[members] = next_id + rng.permutation(np.arange(len(members)) % k)
        next_id += k
    return cell


def _name_group(rng: np.random.Generator, decl: np.ndarray) -> np.ndarray:
    code = np.array([_GROUP.get(c, _GROUP["other"]) for c in pools.LANGS])[decl]
    mixed = rng.random(len(decl)) < 0.1
    code[mixed] = rng.integers(0, len(pools.NAME_GROUPS), int(mixed.sum()))
    return code


def _pool_pick(rng: np.random.Generator, group: np.ndarray, span: np.ndarray, empty: float) -> np.ndarray:
    lo, hi = span[group], span[group + 1]
    idx = lo + (rng.random(len(group)) * (hi - lo)).astype(np.int64)
    return np.where(rng.random(len(group)) < empty, -1, idx).astype(np.int16)


def _histories(
    rng: np.random.Generator,
    kind: np.ndarray,
    created: np.ndarray,
    decl: np.ndarray,
    lang1: np.ndarray,
) -> dict[str, np.ndarray]:
    """Earlier lives before the window: hijacked accounts' foreign-language crypto or sport past, then
    months of silence; a share of old organic accounts with their own past, some with long breaks too."""
    n = len(kind)
    start = np.zeros(n, np.int64)
    end = np.zeros(n, np.int64)
    count = np.zeros(n)
    topic = np.full(n, HIST_EVERYDAY, np.int8)
    hist_lang = lang1.copy()

    org = (kind == ORGANIC) & (created < ts(2022, 1, 1)) & (rng.random(n) < 0.2)
    k = int(org.sum())
    start[org] = rng.integers(HISTORY_START, ts(2022, 12, 31), k)
    breaks = rng.random(k) < 0.5
    end[org] = np.where(breaks, rng.integers(ts(2023, 1, 1), ts(2023, 5, 15), k), WINDOW_START)
    count[org] = HISTORY_MIN_POSTS + rng.poisson(rng.lognormal(*HISTORY_LOG_POSTS, k))
    diaspora = np.isin(decl, [LANG["ar"], LANG["es"], LANG["pt"]])
    topic[org] = rng.choice(3, k, p=[0.1, 0.3, 0.6])
    topic[org & diaspora] = rng.choice(3, int((org & diaspora).sum()), p=[0.3, 0.4, 0.3])
    hist_lang[org & diaspora] = decl[org & diaspora]

    hij = kind == CAMPAIGN_HIJACKED
    k = int(hij.sum())
    start[hij] = rng.integers(HISTORY_START, ts(2022, 9, 30), k)
    end[hij] = rng.integers(ts(2023, 1, 15), ts(2023, 4, 15), k)
    count[hij] = HISTORY_MIN_POSTS + rng.poisson(rng.lognormal(*HISTORY_LOG_POSTS, k))
    topic[hij] = rng.choice(3, k, p=[0.5, 0.4, 0.1])
    hist_lang[hij] = decl[hij]

    has = start > 0
    rate = np.zeros(n)
    rate[has] = count[has] / ((end[has] - start[has]) / DAY)
    return {
        "hist_start": start,
        "hist_end": end,
        "hist_lang": hist_lang,
        "hist_topic": topic,
        "hist_rate": rate,
    }


def _handles_and_names(
    rng: np.random.Generator, kind: np.ndarray, created: np.ndarray, group: np.ndarray
) -> tuple[list[str], list[str], list[str]]:
    """Display names and unique handles; handle styles follow the creation year (default digit handles
    are common for recent sign-ups, whoever runs them)."""
    n = len(kind)
    u = rng.random((n, 6)).tolist()
    digits = rng.integers(10_000_000, 99_999_999, n).tolist()
    year = (1970 + created / (365.2425 * DAY)).astype(int).tolist()
    handles, names, surnames, seen = [], [], [], set()
    for i in range(n):
        g = pools.NAME_GROUPS[int(group[i])]
        first_pool, last_pool = pools.FIRST_NAMES[g], pools.LAST_NAMES[g]
        ui = u[i]
        first = first_pool[int(ui[0] * len(first_pool))]
        last = last_pool[int(ui[1] * len(last_pool))]
        if kind[i] == POLITICIAN:
            handle, name = _politician_handle(first, last, len(surnames)), f"{first} {last}"
            surnames.append(last)
        elif kind[i] == CRITIC:
            handle, name = "LiangYumingTV", CRITIC_NAME
        else:
            handle = _handle(first, last, year[i], ui[2], ui[3], digits[i])
            name = _display_name(first, last, ui[4], ui[5])
        while handle.lower() in seen:
            handle = f"{handle[:11]}{int(rng.integers(1000, 9999))}"
        seen.add(handle.lower())
        handles.append(handle)
        names.append(name)
    return handles, names, surnames


def _politician_handle(first: str, last: str, slot: int) -> str:
    if slot == 0:
        return f"PM{first}{last}"[:15]
    return (f"{first}{last}MP" if slot % 3 else f"{first[0]}{last}")[:15]


def _handle(first: str, last: str, year: int, style: float, pad: float, digits: int) -> str:
    default_share = 0.05 if year < 2015 else 0.25 if year < 2020 else 0.5
    if style < default_share:
        return f"{(first + last)[:7]}{digits}"
    style = (style - default_share) / (1 - default_share)
    if style < 0.35:
        base = first + last
    elif style < 0.55:
        base = first[0] + last
    elif style < 0.8:
        base = f"{first}{last}{int(pad * 99)}"
    elif style < 0.9:
        base = f"{first}_{last}"
    else:
        base = f"{last}{first}"
    return base.lower()[:15] if pad < 0.3 else base[:15]


def _display_name(first: str, last: str, style: float, emoji: float) -> str:
    name = first if style < 0.1 else f"{first} {last[0]}." if style < 0.2 else f"{first} {last}"
    if emoji < 0.06:
        name = f"{name} {pools.NAME_EMOJI[int(emoji / 0.06 * len(pools.NAME_EMOJI))]}"
    return name
