"""What the pages and the JSON API show, read from the store as plain JSON-able dicts.

Pages and API call the same functions, so what an analyst sees and what a script fetches agree. Every
string returned here may be attacker-controlled (post text, handles, bios): templates autoescape it and
the API returns it as JSON data, never as markup.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from unmask.campaigns.explain import explain
from unmask.documents.build import data_version
from unmask.errors import InputError, NotFoundError
from unmask.signals.registry import ACCOUNT_FEATURES, PAIR_SIGNALS
from unmask.store import Store
from unmask.web.cache import ResultCache

TOP_TARGETS_LISTED = 3
EVIDENCE_SHOWN = 60
EXAMPLES_PER_LANGUAGE = 2
LANGUAGES_WITH_EXAMPLES = 12
RECENT_POSTS = 30
SEARCH_LIMIT = 50
MIN_QUERY = 2
MAX_QUERY = 200
RESULTS_KEPT = 16  # campaign pages, incident drafts and linter look-ups: a few campaigns' worth
_LIKE_ESCAPE = "!"


class SortKey(StrEnum):
    SCORE = "score"
    ACCOUNTS = "accounts"
    POSTS = "posts"
    START = "start"
    END = "end"
    ID = "campaign_id"


@dataclass(frozen=True)
class CampaignFilter:
    """The campaign list's query parameters."""

    sort: SortKey = SortKey.SCORE
    descending: bool = True
    min_score: float | None = None
    min_accounts: int | None = None
    platform: str | None = None
    language: str | None = None

    def keeps(self, row: dict[str, Any]) -> bool:
        return (
            (self.min_score is None or row["score"] >= self.min_score)
            and (self.min_accounts is None or row["accounts"] >= self.min_accounts)
            and (not self.platform or self.platform in row["platforms"])
            and (not self.language or self.language in row["languages"])
        )


def signal_descriptions() -> dict[str, str]:
    """What each pair signal and account flag means, for the "why flagged" panels."""
    return {name: item.description for name, item in {**PAIR_SIGNALS, **ACCOUNT_FEATURES}.items()}


def split_acct(acct: str) -> tuple[str, str]:
    """`platform:account_id` -> its two parts; InputError for anything else."""
    platform, sep, account_id = acct.partition(":")
    if not sep or not platform or not account_id:
        raise InputError(f"account {acct!r}: expected platform:account_id")
    return platform, account_id


def _summary(raw: str | None) -> dict[str, Any]:
    return json.loads(raw) if raw else {}


def _target_label(target: dict[str, Any]) -> str:
    return target.get("handle") or target.get("account_id") or ""


def campaign_list(store: Store, flt: CampaignFilter) -> list[dict[str, Any]]:
    """One row per campaign: score, size, platforms, languages, time span, top targets."""
    rows = []
    for cid, score, accounts, posts, raw in store.con.execute(
        "SELECT campaign_id, score, accounts, posts, summary FROM campaigns"
    ).fetchall():
        summary = _summary(raw)
        span = summary.get("time_span") or {}
        row = {
            "campaign_id": cid,
            "score": score,
            "accounts": accounts,
            "posts": posts,
            "platforms": list(summary.get("platforms", {})),
            "languages": list(summary.get("languages", {})),
            "start": span.get("start"),
            "end": span.get("end"),
            "top_targets": [_target_label(t) for t in summary.get("targets", [])[:TOP_TARGETS_LISTED]],
            "signals": summary.get("signals", []),
        }
        if flt.keeps(row):
            rows.append(row)
    key = flt.sort.value
    present = [r for r in rows if r[key] is not None]
    present.sort(key=lambda r: (r[key], r["campaign_id"]), reverse=flt.descending)
    return present + [r for r in rows if r[key] is None]


def require_campaign(store: Store, campaign_id: str) -> None:
    """NotFoundError unless the store holds campaign `campaign_id`."""
    if not store.con.execute("SELECT 1 FROM campaigns WHERE campaign_id = ?", [campaign_id]).fetchone():
        raise NotFoundError(f"no campaign {campaign_id!r}")


def campaign_facets(store: Store) -> dict[str, list[str]]:
    """Platforms and languages present in any campaign (the list page's filter choices)."""
    platforms: set[str] = set()
    languages: set[str] = set()
    for (raw,) in store.con.execute("SELECT summary FROM campaigns").fetchall():
        summary = _summary(raw)
        platforms.update(summary.get("platforms", {}))
        languages.update(summary.get("languages", {}))
    return {"platforms": sorted(platforms), "languages": sorted(languages)}


recent_results = ResultCache(RESULTS_KEPT)  # built once per data version (web/cache.py)


def data_key(store: Store, campaign_id: str) -> tuple[Hashable, ...]:
    """What results about one campaign are kept under: the store file, its data version, the campaign."""
    return (str(store.path.resolve()), data_version(store), campaign_id)


def campaign_detail(store: Store, campaign_id: str) -> dict[str, Any]:
    """The campaign's summary plus members, evidence pairs and example posts per language.

    Kept per data version (a 1M-post campaign takes ~0.3 s of queries), as JSON so that every caller
    gets its own copy.
    """
    text = recent_results.get(
        ("campaign", *data_key(store, campaign_id)),
        lambda: json.dumps(_campaign_detail(store, campaign_id)),
    )
    return json.loads(text)


def _campaign_detail(store: Store, campaign_id: str) -> dict[str, Any]:
    row = store.con.execute(
        "SELECT score, accounts, posts, summary FROM campaigns WHERE campaign_id = ?", [campaign_id]
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no campaign {campaign_id!r}")
    summary = _summary(row[3])
    return {
        **summary,
        "campaign_id": campaign_id,
        "score": row[0],
        "accounts": row[1],
        "posts": row[2],
        "members": _members(store, campaign_id),
        "evidence": _campaign_evidence(store, campaign_id),
        "examples": _examples_per_language(store, campaign_id, list(summary.get("languages", {}))),
    }


def _members(store: Store, campaign_id: str) -> list[dict[str, Any]]:
    rows = store.con.execute(
        """SELECT c.platform || ':' || c.account_id AS acct, a.handle, c.score, c.signals
           FROM campaign_accounts c
           LEFT JOIN accounts a ON a.platform = c.platform AND a.account_id = c.account_id
           WHERE c.campaign_id = ? ORDER BY c.score DESC, acct""",
        [campaign_id],
    ).fetchall()
    return [
        {
            "acct": acct,
            "handle": handle,
            "score": score,
            "signals": [s for s in (signals or "").split(";") if s],
        }
        for acct, handle, score, signals in rows
    ]


def _campaign_evidence(store: Store, campaign_id: str) -> list[dict[str, Any]]:
    """Post pairs behind the campaign's internal edges, earliest first.

    The pairs shown are chosen first, then only their posts and accounts are looked up: a 1M-post
    campaign has 145k pairs, and joining the posts table to all of them took most of the page's time.
    """
    rows = store.con.execute(
        """WITH m AS (
               SELECT platform || ':' || account_id AS acct FROM campaign_accounts WHERE campaign_id = ?),
           shown AS MATERIALIZED (
               SELECT e.signal, e.a, e.post_a, e.ts_a, e.b, e.post_b, e.ts_b
               FROM evidence e JOIN m ma ON ma.acct = e.a JOIN m mb ON mb.acct = e.b
               ORDER BY e.ts_a, e.signal, e.post_a, e.post_b LIMIT ?),
           cited AS MATERIALIZED (
               SELECT platform, post_id, text FROM posts
               SEMI JOIN (SELECT post_a AS post_id FROM shown UNION SELECT post_b FROM shown)
                 USING (post_id)),
           named AS MATERIALIZED (
               SELECT platform || ':' || account_id AS acct, handle FROM accounts
               SEMI JOIN (SELECT a AS acct FROM shown UNION SELECT b FROM shown) s
                 ON s.acct = platform || ':' || account_id)
           SELECT e.signal, e.a, ha.handle, e.post_a, e.ts_a, pa.text,
                  e.b, hb.handle, e.post_b, e.ts_b, pb.text
           FROM shown e
           LEFT JOIN cited pa ON pa.platform = split_part(e.a, ':', 1) AND pa.post_id = e.post_a
           LEFT JOIN cited pb ON pb.platform = split_part(e.b, ':', 1) AND pb.post_id = e.post_b
           LEFT JOIN named ha ON ha.acct = e.a
           LEFT JOIN named hb ON hb.acct = e.b
           ORDER BY e.ts_a, e.signal, e.post_a, e.post_b""",
        [campaign_id, EVIDENCE_SHOWN],
    ).fetchall()
    return [
        {
            "signal": signal,
            "a": {"acct": a, "handle": ha, "post": pa_id, "time": _iso(ta), "text": text_a},
            "b": {"acct": b, "handle": hb, "post": pb_id, "time": _iso(tb), "text": text_b},
            "seconds_apart": abs(int((ta - tb).total_seconds())) if ta and tb else None,
        }
        for signal, a, ha, pa_id, ta, text_a, b, hb, pb_id, tb, text_b in rows
    ]


def _examples_per_language(store: Store, campaign_id: str, languages: list[str]) -> dict[str, list[dict]]:
    """The earliest posts of the campaign in each of its main languages."""
    wanted = languages[:LANGUAGES_WITH_EXAMPLES]
    if not wanted:
        return {}
    rows = store.con.execute(
        """SELECT language, acct, post_id, created_at, text FROM (
               SELECT coalesce(p.lang, p.lang_detected, 'und') AS language,
                      p.platform || ':' || p.account_id AS acct, p.post_id, p.created_at, p.text,
                      row_number() OVER (PARTITION BY language ORDER BY p.created_at, p.post_id) AS rank
               FROM posts p JOIN campaign_accounts c
                 ON c.platform = p.platform AND c.account_id = p.account_id
               WHERE c.campaign_id = ? AND p.text IS NOT NULL)
           WHERE rank <= ? AND list_contains(?, language) ORDER BY language, rank""",
        [campaign_id, EXAMPLES_PER_LANGUAGE, wanted],
    ).fetchall()
    examples: dict[str, list[dict]] = {language: [] for language in wanted}
    for language, acct, post_id, created_at, text in rows:
        examples[language].append({"acct": acct, "post": post_id, "time": _iso(created_at), "text": text})
    return {language: posts for language, posts in examples.items() if posts}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def account_detail(store: Store, acct: str) -> dict[str, Any]:
    """Profile, campaign, flags, weekly history (with hijack point), edges with evidence, recent posts."""
    platform, account_id = split_acct(acct)
    con = store.con
    profile = con.execute(
        """SELECT handle, display_name, bio, location, profile_url, created_at, followers, following,
                  declared_lang
           FROM accounts WHERE platform = ? AND account_id = ?""",
        [platform, account_id],
    ).fetchone()
    if profile is None:
        raise NotFoundError(f"no account {acct!r}")
    explanation = explain(store, acct)
    keys = (
        "handle",
        "display_name",
        "bio",
        "location",
        "profile_url",
        "created_at",
        "followers",
        "following",
    )
    info = dict(zip(keys, profile[:8], strict=True))
    info["created_at"] = _iso(info["created_at"])
    info["declared_lang"] = profile[8]
    resumed = _hijack_resumed(store, platform, account_id, explanation.flags)
    return {
        "acct": acct,
        "platform": platform,
        "account_id": account_id,
        "profile": info,
        "campaign_id": explanation.campaign_id,
        "score": explanation.score,
        "flags": explanation.flags,
        "edges": explanation.edges,
        "history": _weekly_history(store, platform, account_id),
        "languages": dict(
            con.execute(
                """SELECT coalesce(lang, lang_detected, 'und') AS language, count(*) AS n FROM posts
                   WHERE platform = ? AND account_id = ? GROUP BY 1 ORDER BY n DESC, language""",
                [platform, account_id],
            ).fetchall()
        ),
        "hijack_resumed": _iso(resumed),
        "recent_posts": [
            {"post": post_id, "time": _iso(ts), "language": language, "text": text, "urls": urls or []}
            for post_id, ts, language, text, urls in con.execute(
                """SELECT post_id, created_at, coalesce(lang, lang_detected, 'und'), text, urls FROM posts
                   WHERE platform = ? AND account_id = ? ORDER BY created_at DESC, post_id LIMIT ?""",
                [platform, account_id, RECENT_POSTS],
            ).fetchall()
        ],
    }


def _weekly_history(store: Store, platform: str, account_id: str) -> list[dict[str, Any]]:
    """Posts per week (weeks without posts included) with the week's most used language."""
    rows = store.con.execute(
        """SELECT date_trunc('week', created_at)::DATE AS week, count(*) AS n,
                  mode(coalesce(lang, lang_detected, 'und') ORDER BY coalesce(lang, lang_detected, 'und'))
           FROM posts WHERE platform = ? AND account_id = ? GROUP BY 1 ORDER BY 1""",
        [platform, account_id],
    ).fetchall()
    if not rows:
        return []
    by_week = {week: (n, language) for week, n, language in rows}
    history = []
    week = rows[0][0]
    while week <= rows[-1][0]:
        n, language = by_week.get(week, (0, None))
        history.append({"week": week.isoformat(), "posts": n, "language": language})
        week += timedelta(days=7)
    return history


def _hijack_resumed(
    store: Store, platform: str, account_id: str, flags: list[dict[str, Any]]
) -> datetime | None:
    """For an account flagged as hijacked: the first post after its longest silence."""
    if not any(flag["feature"] == "hijacked" for flag in flags):
        return None
    row = store.con.execute(
        """SELECT created_at FROM (
               SELECT created_at, created_at - lag(created_at) OVER (ORDER BY created_at) AS gap
               FROM posts WHERE platform = ? AND account_id = ?)
           WHERE gap IS NOT NULL ORDER BY gap DESC, created_at LIMIT 1""",
        [platform, account_id],
    ).fetchone()
    return row[0] if row else None


def _like_pattern(query: str) -> str:
    escaped = (
        query.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2)
        .replace("%", _LIKE_ESCAPE + "%")
        .replace("_", _LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def search(store: Store, query: str, *, limit: int = SEARCH_LIMIT) -> dict[str, Any]:
    """Posts whose text, and accounts whose handle, name, bio or id contain `query` (case-insensitive)."""
    query = query.strip()
    if not MIN_QUERY <= len(query) <= MAX_QUERY:
        raise InputError(f"search for {MIN_QUERY} to {MAX_QUERY} characters")
    pattern = _like_pattern(query)
    posts = store.con.execute(
        f"""SELECT p.platform || ':' || p.account_id, a.handle, p.post_id, p.created_at, p.text, c.campaign_id
            FROM posts p
            LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.account_id
            LEFT JOIN campaign_accounts c ON c.platform = p.platform AND c.account_id = p.account_id
            WHERE p.text ILIKE ? ESCAPE '{_LIKE_ESCAPE}'
            ORDER BY p.created_at DESC, p.post_id LIMIT ?""",
        [pattern, limit],
    ).fetchall()
    accounts = store.con.execute(
        f"""SELECT a.platform || ':' || a.account_id, a.handle, a.display_name, a.bio, c.campaign_id
            FROM accounts a
            LEFT JOIN campaign_accounts c ON c.platform = a.platform AND c.account_id = a.account_id
            WHERE a.handle ILIKE ? ESCAPE '{_LIKE_ESCAPE}' OR a.display_name ILIKE ? ESCAPE '{_LIKE_ESCAPE}'
               OR a.bio ILIKE ? ESCAPE '{_LIKE_ESCAPE}' OR a.account_id ILIKE ? ESCAPE '{_LIKE_ESCAPE}'
            ORDER BY c.campaign_id NULLS LAST, a.handle, a.account_id LIMIT ?""",
        [pattern, pattern, pattern, pattern, limit],
    ).fetchall()
    return {
        "query": query,
        "posts": [
            {
                "acct": acct,
                "handle": handle,
                "post": post_id,
                "time": _iso(ts),
                "text": text,
                "campaign_id": cid,
            }
            for acct, handle, post_id, ts, text, cid in posts
        ],
        "accounts": [
            {"acct": acct, "handle": handle, "display_name": name, "bio": bio, "campaign_id": cid}
            for acct, handle, name, bio, cid in accounts
        ],
        "limit": limit,
    }
