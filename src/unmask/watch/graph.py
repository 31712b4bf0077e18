"""Fusion and scoring of the part of the account graph that changed.

Leiden's quality (RBConfiguration) is a sum over communities, and a community never spans two
connected components, so a set of components can be partitioned on its own with the same objective
once the resolution is scaled by the set's share of the graph's total weight (the null model's 2m).
The watch re-fuses the components that hold a touched account, together with any stored campaign
reaching into them, and keeps the stored campaigns everywhere else. When those components hold at
least WHOLE_GRAPH_SHARE of the graph's accounts it fuses the whole graph instead: that costs hardly
more, and is exactly what `unmask detect` does.

Where this can differ from a full run. Leiden is a seeded random search; on a subset of components it
visits the nodes in another order and can land on another local optimum of the same objective
(measured on the 100k scenario: the giant component alone against the whole graph gave 41 of 42
communities identical; the largest, organic one differed by 24 of 2,195 accounts). Untouched
components keep the partition and the scores of the step that last re-fused them, although the
account total and the data set's rate of strongly flagged accounts (which a campaign's inauthenticity
and its p-value are measured against) have moved since. The full run is the less stable of the two:
any account added anywhere shifts its search everywhere (on the planted scenario, two new accounts
in a component of their own changed the accounts `unmask detect` flags from 22 to 30), whereas the
watch leaves a component's campaigns alone until something touches it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import igraph
import pyarrow as pa
import pyarrow.compute as pc

from unmask.campaigns.detect import DetectConfig
from unmask.campaigns.fuse import fuse
from unmask.campaigns.score import CampaignScore, score_communities
from unmask.engines.base import Engine
from unmask.store import Store

WHOLE_GRAPH_SHARE = 0.5
AMPLIFIER = "amplifier"  # the signal list of an amplifier row (see unmask.campaigns.amplifiers)


@dataclass
class FusedPart:
    """The campaigns of the re-fused part, and the stored campaigns they replace."""

    campaigns: list[CampaignScore]
    replaced: set[str]
    accounts: int  # accounts re-fused
    whole: bool


def _total_weight(edges: pa.Table) -> float:
    """The fused graph's total weight, summed as fuse() builds it (per pair, rounded)."""
    grouped = edges.group_by(["a", "b"]).aggregate([("weight", "sum")])
    return sum(round(w, 9) for w in grouped["weight_sum"].to_pylist())


def _components(edges: pa.Table) -> dict[str, int]:
    names = sorted(set(edges["a"].to_pylist()) | set(edges["b"].to_pylist()))
    index = {n: i for i, n in enumerate(names)}
    ends = zip(edges["a"].to_pylist(), edges["b"].to_pylist(), strict=True)
    graph = igraph.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in ends])
    return dict(zip(names, graph.connected_components().membership, strict=True))


def _stored_campaigns(store: Store) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """campaign id → all members, and → core members (amplifiers have no edges of their own)."""
    members: dict[str, set[str]] = defaultdict(set)
    core: dict[str, set[str]] = defaultdict(set)
    rows = store.con.execute(
        "SELECT campaign_id, platform || ':' || account_id, signals FROM campaign_accounts"
    ).fetchall()
    for cid, acct, signals in rows:
        members[cid].add(acct)
        if signals != AMPLIFIER:
            core[cid].add(acct)
    return members, core


def fuse_touched(store: Store, engine: Engine, config: DetectConfig, *, total_accounts: int) -> FusedPart:
    """Re-fuse and re-score the components touched (`_watch_touched`); name the campaigns replaced."""
    con = store.con
    edges = con.execute("SELECT * FROM signal_edges").fetch_arrow_table()
    kept = edges.filter(pc.greater_equal(edges["actions"], config.min_actions))
    component = _components(kept)
    touched = {r[0] for r in con.execute("SELECT DISTINCT acct FROM _watch_touched").fetchall()}
    members, core = _stored_campaigns(store)
    comps = {component[a] for a in touched if a in component}
    replaced = {cid for cid, accts in members.items() if accts & touched}
    while True:  # a campaign reaching into a re-fused component is re-fused whole
        replaced |= {cid for cid, accts in core.items() if any(component.get(a) in comps for a in accts)}
        more = {component[a] for cid in replaced for a in core[cid] if a in component} - comps
        if not more:
            break
        comps |= more
    vertices = sorted(a for a, c in component.items() if c in comps)
    whole = len(vertices) >= WHOLE_GRAPH_SHARE * len(component)
    if whole:
        part, resolution, replaced = kept, config.resolution, set(members)
    else:
        part = kept.filter(pc.is_in(kept["a"], pa.array(vertices, pa.string())))
        resolution = config.resolution * _total_weight(part) / _total_weight(kept)
    fused = fuse(part, min_actions=config.min_actions, resolution=resolution)
    scores = score_communities(
        engine,
        fused,
        con.execute("SELECT * FROM account_features").fetch_arrow_table(),
        total_accounts=total_accounts,
        min_size=config.min_campaign_size,
        min_score=config.min_score,
    )
    return FusedPart(scores, replaced, len(fused.accounts), whole)
