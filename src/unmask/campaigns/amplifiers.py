"""The amplification layer: accounts whose reposts mostly go to one campaign's accounts.

Operations keep a tier of accounts that say little themselves and mostly repost the network's own
posts (the echo chamber the Spamouflage reports describe). Such an account may never co-act closely
enough with any one member to share an edge, yet its behaviour points one way: at least
MIN_REPOSTS of its reposts go to members of one campaign and they are at least MIN_SHARE of all its
reposts. It joins that campaign as an amplifier, with a score scaled down by that share.
"""

from __future__ import annotations

import ibis
import pyarrow as pa
from ibis import _

from unmask.campaigns.score import AccountScore, CampaignScore
from unmask.engines.base import Engine
from unmask.signals.base import account_key

MIN_REPOSTS = 2
MIN_SHARE = 0.5
AMPLIFIER_WEIGHT = 0.5  # an amplifier's score is at most half its campaign's


def add_amplifiers(engine: Engine, campaigns: list[CampaignScore]) -> None:
    """Extend each campaign with its amplifiers (in place), best first after the core members."""
    if not campaigns:
        return
    members = ibis.memtable(
        pa.table(
            {
                "target": [m.acct for c in campaigns for m in c.members],
                "campaign_id": [c.campaign_id for c in campaigns for _m in c.members],
            }
        )
    )
    posts = engine.table("posts")
    reposts = posts.filter(
        posts.repost_of_account_id.notnull(), posts.repost_of_account_id != posts.account_id
    )
    reposts = reposts.select(
        actor=account_key(reposts), target=reposts.platform.concat(":", reposts.repost_of_account_id)
    )
    totals = reposts.group_by("actor").aggregate(total=_.count())
    to_campaign = reposts.join(members, "target").group_by(["actor", "campaign_id"]).aggregate(n=_.count())
    candidates = (
        to_campaign.join(totals, "actor")
        .anti_join(members.select(actor="target"), "actor")
        .mutate(share=_.n.cast("float64") / _.total)
        .filter(_.n >= MIN_REPOSTS, _.share >= MIN_SHARE)
        .order_by([_.campaign_id, _.share.desc(), _.actor])
    )
    by_id = {c.campaign_id: c for c in campaigns}
    taken: set[str] = set()
    for row in engine.to_arrow(candidates).to_pylist():
        if row["actor"] in taken:  # share >= 0.5 in two campaigns: keep the first (higher share)
            continue
        taken.add(row["actor"])
        campaign = by_id[row["campaign_id"]]
        campaign.members.append(
            AccountScore(
                acct=row["actor"],
                score=round(campaign.score * row["share"] * AMPLIFIER_WEIGHT, 4),
                strength=0.0,
                signals=["amplifier"],
                flags=[],
            )
        )
