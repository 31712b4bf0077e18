"""Campaign and account scores: coordination strength combined with inauthenticity.

A community of the fused graph is coordinated by construction; what makes it a campaign is that the
coordination looks inauthentic. Three components, each in [0, 1] and each relative to the data set
itself so that no threshold needs tuning per data set:

- inauthenticity: how far the share of members with a strong inauthenticity flag (creation batch,
  hijacked) exceeds that share among all accounts;
- echo chamber: the share of the engagement (reposts, replies, quotes) the members' posts received
  that came from other members;
- breadth: the share of members tied to the community by two or more different signals (a petition
  copied in good faith ties people by one text and its link; an operation repeats itself everywhere).

Coordination without inauthenticity is not CIB (a petition copied in good faith, fans cheering their
MP together): a community is a campaign only when its members carry strong flags significantly more
often than the data set's accounts do — a one-sided binomial test against the base rate, p below
MAX_INAUTHENTICITY_P — and its score, the mean of the three components, reaches `min_score`. An account's
score is the campaign's, scaled by how firmly the account is tied in (its internal strength relative to
the community's median). Accounts tied in at less than MIN_RELATIVE_STRENGTH of that median are not
assigned to the campaign: one chance co-reply with a member should not put a bystander on a takedown
list.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

import ibis
import pyarrow as pa
from ibis import _

from unmask.campaigns.fuse import FusedGraph
from unmask.engines.base import Engine
from unmask.signals.base import account_key

STRONG_FLAGS = ("creation_batch", "hijacked")
MAX_INAUTHENTICITY_P = 1e-3
MIN_RELATIVE_STRENGTH = 0.1


@dataclass
class AccountScore:
    acct: str
    score: float
    strength: float
    signals: list[str]
    flags: list[str]

    @property
    def signal_list(self) -> str:
        """Signals and flags that tie the account in, as one `;`-joined cell."""
        return ";".join(self.signals + self.flags)

    @property
    def platform(self) -> str:
        return self.acct.split(":", 1)[0]

    @property
    def account_id(self) -> str:
        return self.acct.split(":", 1)[1]


@dataclass
class CampaignScore:
    campaign_id: str
    score: float
    components: dict[str, float]
    members: list[AccountScore] = field(default_factory=list)

    @property
    def accounts(self) -> list[str]:
        return [m.acct for m in self.members]


def _flags_by_account(features: pa.Table) -> dict[str, set[str]]:
    flagged: dict[str, set[str]] = defaultdict(set)
    for acct, feature, flag in zip(
        features["acct"].to_pylist(),
        features["feature"].to_pylist(),
        features["flag"].to_pylist(),
        strict=True,
    ):
        if flag:
            flagged[acct].add(feature)
    return flagged


def _echo_by_community(engine: Engine, membership: dict[str, int]) -> dict[int, tuple[int, int]]:
    """community → (engagements received from members, engagements received in all)."""
    if not membership:
        return {}
    members = engine.materialize(
        "_run_membership",
        ibis.memtable(pa.table({"acct": list(membership), "community": list(membership.values())})),
    )
    posts = engine.table("posts")
    target_id = posts.repost_of_account_id.coalesce(posts.reply_to_account_id)
    engaged = posts.filter(target_id.notnull(), target_id != posts.account_id).select(
        actor=account_key(posts), target=posts.platform.concat(":", target_id)
    )
    targets = members.select(target="acct", community="community")
    actors = members.select(actor="acct", actor_community="community")
    joined = engaged.join(targets, "target").left_join(actors, "actor")
    counts = joined.group_by("community").aggregate(
        inside=(joined.actor_community == joined.community).fill_null(False).cast("int64").sum(),
        total=_.count(),
    )
    table = engine.to_arrow(counts)
    return {
        int(c): (int(i), int(t))
        for c, i, t in zip(
            table["community"].to_pylist(),
            table["inside"].to_pylist(),
            table["total"].to_pylist(),
            strict=True,
        )
    }


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p): how surprising k flagged members are at base rate p."""
    if k <= 0:
        return 1.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q
        for i in range(k, n + 1)
    ]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def score_communities(
    engine: Engine,
    fused: FusedGraph,
    features: pa.Table,
    *,
    total_accounts: int,
    min_size: int,
    min_score: float,
) -> list[CampaignScore]:
    """Score every community of at least `min_size` accounts; return the campaigns, best first."""
    flags = _flags_by_account(features)
    base_rate = sum(1 for f in flags.values() if f & set(STRONG_FLAGS)) / max(total_accounts, 1)
    communities = {c: v for c, v in fused.community_members().items() if len(v) >= min_size}
    membership = {fused.accounts[v]: c for c, vs in communities.items() for v in vs}
    echo = _echo_by_community(engine, membership)
    graph = fused.graph
    found: list[CampaignScore] = []
    for community, vertices in communities.items():
        inside = set(vertices)
        strength: dict[int, float] = defaultdict(float)
        signals: dict[int, set[str]] = defaultdict(set)
        for edge in graph.es.select(_within=vertices):
            for v in edge.tuple:
                strength[v] += edge["weight"]
                signals[v].update(edge["signals"])
        names = [fused.accounts[v] for v in vertices]
        flagged = sum(1 for n in names if flags.get(n, set()) & set(STRONG_FLAGS))
        strong = flagged / len(names)
        inauthenticity = max(0.0, (strong - base_rate) / (1 - base_rate)) if base_rate < 1 else 0.0
        inside_n, total_n = echo.get(community, (0, 0))
        components = {
            "inauthenticity": round(inauthenticity, 4),
            "echo_chamber": round(inside_n / total_n, 4) if total_n else 0.0,
            "breadth": round(sum(1 for v in vertices if len(signals[v]) >= 2) / len(vertices), 4),
        }
        p_value = binomial_tail(flagged, len(names), base_rate)
        score = sum(components.values()) / len(components)
        if score < min_score or p_value >= MAX_INAUTHENTICITY_P:
            continue
        components["inauthenticity_p"] = float(f"{p_value:.3g}")
        typical = median(strength[v] for v in inside) or 1.0
        members = [
            AccountScore(
                acct=fused.accounts[v],
                score=round(score * min(1.0, strength[v] / typical), 4),
                strength=round(strength[v], 4),
                signals=sorted(signals[v]),
                flags=sorted(flags.get(fused.accounts[v], set())),
            )
            for v in vertices
            if strength[v] >= MIN_RELATIVE_STRENGTH * typical
        ]
        members.sort(key=lambda m: (-m.score, m.acct))
        found.append(CampaignScore("", round(score, 4), components, members))
    found.sort(key=lambda c: (-c.score, -len(c.members), c.members[0].acct))
    for number, campaign in enumerate(found, start=1):
        campaign.campaign_id = f"C{number:03d}"
    return found
