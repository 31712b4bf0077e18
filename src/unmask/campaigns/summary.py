"""Campaign summaries: who, how much, where (posts and accounts per platform), when (with bursts), whom it
targeted, what it said.

Everything is computed for all campaigns at once with relational steps grouped by campaign, then
shaped into plain JSON-able dicts (the `campaigns.json` contract and the documents' input).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from statistics import median
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis import _

from unmask.campaigns.score import CampaignScore
from unmask.engines.base import Engine
from unmask.signals.base import account_key

TOP_TARGETS = 50
TOP_NARRATIVES = 10
BURST_FACTOR = 2.0  # a burst day has at least this many times the campaign's median daily volume


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


def _campaign_posts(engine: Engine, campaigns: list[CampaignScore]) -> ir.Table:
    members = pa.table(
        {
            "acct": [m.acct for c in campaigns for m in c.members],
            "campaign_id": [c.campaign_id for c in campaigns for _m in c.members],
        }
    )
    engine.materialize("_run_campaign_members", ibis.memtable(members))
    posts = engine.table("posts")
    keyed = posts.mutate(acct=account_key(posts))
    return engine.materialize(
        "_run_campaign_posts", keyed.join(engine.table("_run_campaign_members"), "acct")
    )


def bursts(daily: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Runs of consecutive days at >= BURST_FACTOR x the median daily volume (days with posts only)."""
    if not daily:
        return []
    typical = median(n for _d, n in daily)
    found: list[dict[str, Any]] = []
    for day, n in daily:
        if n < BURST_FACTOR * typical:
            continue
        if found and _next_day(found[-1]["end"]) == day:
            found[-1]["end"] = day
            found[-1]["posts"] += n
            found[-1]["_days"] += 1
        else:
            found.append({"start": day, "end": day, "posts": n, "_days": 1})
    return [
        {
            "start": b["start"],
            "end": b["end"],
            "posts": b["posts"],
            "intensity": round(b["posts"] / (b["_days"] * typical), 2),
        }
        for b in found
    ]


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def summarise_all(engine: Engine, campaigns: list[CampaignScore]) -> dict[str, dict[str, Any]]:
    """One summary dict per campaign id."""
    if not campaigns:
        return {}
    cp = _campaign_posts(engine, campaigns)
    posts = engine.table("posts")
    language = cp.lang.coalesce(cp.lang_detected, "und")

    overview = {
        r["campaign_id"]: r
        for r in _rows(
            engine.to_arrow(
                cp.group_by("campaign_id").aggregate(
                    posts=_.count(), first_post=_.created_at.min(), last_post=_.created_at.max()
                )
            )
        )
    }
    by_platform: dict[str, dict[str, int]] = defaultdict(dict)
    for r in _rows(engine.to_arrow(cp.group_by(["campaign_id", "platform"]).aggregate(n=_.count()))):
        by_platform[r["campaign_id"]][r["platform"]] = r["n"]
    by_language: dict[str, dict[str, int]] = defaultdict(dict)
    for r in _rows(
        engine.to_arrow(
            cp.mutate(language=language).group_by(["campaign_id", "language"]).aggregate(n=_.count())
        )
    ):
        by_language[r["campaign_id"]][r["language"]] = r["n"]
    daily: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in _rows(
        engine.to_arrow(
            cp.mutate(day=_.created_at.date())
            .group_by(["campaign_id", "day"])
            .aggregate(n=_.count())
            .order_by("day")
        )
    ):
        daily[r["campaign_id"]].append((r["day"].isoformat(), r["n"]))

    targets = _targets(engine, cp, posts)
    narratives = _narratives(engine, cp)
    engagement = _organic_engagement(engine, posts)
    summaries: dict[str, dict[str, Any]] = {}
    for campaign in campaigns:
        cid = campaign.campaign_id
        o = overview.get(cid, {"posts": 0, "first_post": None, "last_post": None})
        summaries[cid] = {
            "campaign_id": cid,
            "score": campaign.score,
            "components": campaign.components,
            "accounts": len(campaign.members),
            "posts": o["posts"],
            "platforms": by_platform.get(cid, {}),  # posts per platform
            "accounts_by_platform": dict(sorted(Counter(m.platform for m in campaign.members).items())),
            "languages": dict(sorted(by_language.get(cid, {}).items(), key=lambda kv: -kv[1])),
            "time_span": {
                "start": o["first_post"].isoformat() if o["first_post"] else None,
                "end": o["last_post"].isoformat() if o["last_post"] else None,
            },
            "volume": [{"day": d, "posts": n} for d, n in daily.get(cid, [])],
            "bursts": bursts(daily.get(cid, [])),
            "targets": targets.get(cid, []),
            "narratives": narratives.get(cid, []),
            "hijacked_accounts": [
                {"account": m.acct, "evidence": m.flags} for m in campaign.members if "hijacked" in m.flags
            ],
            "organic_engagement": engagement.get(cid, {"received": 0, "from_outside": 0}),
            "signals": sorted({s for m in campaign.members for s in m.signals}),
        }
    return summaries


def _targets(engine: Engine, cp: ir.Table, posts: ir.Table) -> dict[str, list[dict[str, Any]]]:
    """Targets ranked by campaign replies, with the share of all replies they got from the campaign."""
    replies = cp.filter(cp.reply_to_account_id.notnull(), cp.reply_to_account_id != cp.account_id)
    per_target = replies.group_by(["campaign_id", "platform", "reply_to_account_id"]).aggregate(
        campaign_replies=_.count()
    )
    all_replies = (
        posts.filter(posts.reply_to_account_id.notnull())
        .group_by(["platform", "reply_to_account_id"])
        .aggregate(all_replies=_.count())
    )
    accounts = engine.table("accounts").select("platform", reply_to_account_id="account_id", handle="handle")
    ranked = (
        per_target.join(all_replies, ["platform", "reply_to_account_id"])
        .left_join(accounts, ["platform", "reply_to_account_id"])
        .mutate(
            rank=ibis.row_number().over(
                group_by=_.campaign_id, order_by=[_.campaign_replies.desc(), _.reply_to_account_id]
            )
        )
        .filter(_.rank < TOP_TARGETS)
        .order_by(["campaign_id", "rank"])
    )
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _rows(engine.to_arrow(ranked)):
        out[r["campaign_id"]].append(
            {
                "platform": r["platform"],
                "account_id": r["reply_to_account_id"],
                "handle": r["handle"],
                "campaign_replies": r["campaign_replies"],
                "all_replies": r["all_replies"],
                "campaign_share": round(r["campaign_replies"] / r["all_replies"], 4),
            }
        )
    return out


def _narratives(engine: Engine, cp: ir.Table) -> dict[str, list[dict[str, Any]]]:
    """Template clusters of campaign texts: size, a representative example, counts per language."""
    try:
        clusters = engine.table("_nd_clusters")
    except Exception:  # near-duplicate signal not run: no clusters to group by
        return {}
    texts = cp.join(clusters, "text_norm").mutate(language=_.lang.coalesce(_.lang_detected, "und"))
    per_lang = texts.group_by(["campaign_id", "cluster", "language"]).aggregate(n=_.count())
    sizes = per_lang.group_by(["campaign_id", "cluster"]).aggregate(posts=_.n.sum())
    top = sizes.mutate(
        rank=ibis.row_number().over(group_by=_.campaign_id, order_by=[_.posts.desc(), _.cluster])
    ).filter(_.rank < TOP_NARRATIVES)
    examples = texts.group_by(["campaign_id", "cluster"]).aggregate(
        example=_.text.argmin(_.created_at), example_post=_.post_id.argmin(_.created_at)
    )
    table = engine.to_arrow(top.join(examples, ["campaign_id", "cluster"]).order_by(["campaign_id", "rank"]))
    langs: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for r in _rows(engine.to_arrow(per_lang.semi_join(top, ["campaign_id", "cluster"]))):
        langs[(r["campaign_id"], r["cluster"])][r["language"]] = r["n"]
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _rows(table):
        out[r["campaign_id"]].append(
            {
                "narrative": f"{r['campaign_id']}-N{r['rank'] + 1}",
                "posts": r["posts"],
                "example": r["example"],
                "example_post_id": r["example_post"],
                "languages": langs[(r["campaign_id"], r["cluster"])],
            }
        )
    return out


def _organic_engagement(engine: Engine, posts: ir.Table) -> dict[str, dict[str, int]]:
    """Engagements (reposts, replies) campaign accounts received, and how many came from outside it."""
    members = engine.table("_run_campaign_members")
    target_id = posts.repost_of_account_id.coalesce(posts.reply_to_account_id)
    engaged = posts.filter(target_id.notnull(), target_id != posts.account_id).select(
        actor=account_key(posts), acct=posts.platform.concat(":", target_id)
    )
    actors = members.select(actor="acct", actor_campaign="campaign_id")
    joined = engaged.join(members, "acct").left_join(actors, "actor")
    counts = joined.group_by("campaign_id").aggregate(
        received=_.count(),
        from_outside=(joined.actor_campaign.isnull() | (joined.actor_campaign != joined.campaign_id))
        .cast("int64")
        .sum(),
    )
    return {
        r["campaign_id"]: {"received": r["received"], "from_outside": r["from_outside"]}
        for r in _rows(engine.to_arrow(counts))
    }
