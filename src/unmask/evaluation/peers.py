"""The peer tools' networks on the real sets, next to what unmask's compatible modes compute there.

The peers' outputs were computed by the tools themselves, unmodified (../shared/real/peer, with
their run logs); unmask's modes (unmask.signals.peer_modes) recompute each network from unmask's
store of the same file, and the comparison counts the edges only one side has. Where no peer output
exists (the IRA set), the row shows the peer method as computed by unmask's mode alone.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ibis.expr.types as ir

from unmask.engines.base import Engine
from unmask.engines.duckdb import DuckDBEngine
from unmask.signals.peer_modes import (
    coortweet_detect_groups,
    coortweet_network,
    coortweet_shares,
    qut_co_retweet,
)
from unmask.store import Store

COORTWEET = "CooRTweet 2.1.3"
QUT = "coordination-network-toolkit 1.5.2"
EDGE_WEIGHT = 0.5  # CooRTweet's default quantile, as in every peer run here

Network = Callable[[Engine], ir.Table]  # an edge table: source, target, weight


@dataclass(frozen=True)
class PeerRun:
    dataset: str
    tool: str
    parameters: str
    network: Network
    directed: bool
    peer_file: str | None = None  # under ../shared/real/peer; None: the peer was not run on this set


@dataclass(frozen=True)
class PeerComparison:
    run: PeerRun
    accounts: int
    edges: int
    seconds: float
    peer_accounts: int | None = None
    peer_edges: int | None = None
    only_peer: int | None = None  # edges (with their weights) the peer has and unmask's mode lacks
    only_unmask: int | None = None


def coortweet(objects: tuple[str, ...], time_window: int, platform: str | None = None) -> Network:
    """detect_groups per object type (min_participation 2), united, then generate_coordinated_network."""

    def network(engine: Engine) -> ir.Table:
        groups = [
            coortweet_detect_groups(
                coortweet_shares(engine, kind, platform=platform),
                time_window=time_window,
                min_participation=2,
            )
            for kind in objects
        ]
        return coortweet_network(
            groups[0].union(*groups[1:]) if groups[1:] else groups[0], edge_weight=EDGE_WEIGHT
        )

    return network


def qut(time_window: int, min_edge_weight: int) -> Network:
    return lambda engine: qut_co_retweet(engine, time_window=time_window, min_edge_weight=min_edge_weight)


def _coortweet_run(
    dataset: str,
    objects: tuple[str, ...],
    time_window: int,
    peer_stem: str | None,
    platform: str | None = None,
) -> PeerRun:
    what = "+".join(objects) + (f" of {platform} accounts" if platform else "")
    return PeerRun(
        dataset,
        COORTWEET,
        f"{what}, time_window {time_window} s, min_participation 2, edge_weight {EDGE_WEIGHT}",
        coortweet(objects, time_window, platform),
        directed=False,
        peer_file=f"coortweet/{peer_stem}_edges.csv" if peer_stem else None,
    )


def _qut_run(dataset: str, time_window: int, min_edge_weight: int, with_peer: bool) -> PeerRun:
    return PeerRun(
        dataset,
        QUT,
        f"co_retweet, time_window {time_window} s, min_edge_weight {min_edge_weight}",
        qut(time_window, min_edge_weight),
        directed=True,
        peer_file=f"qut_cnt/{dataset}__co_retweet_tw{time_window}_w{min_edge_weight}.csv"
        if with_peer
        else None,
    )


RU, DE, IRA = "russian_coord_tweets", "german_elections", "ira_2016"
MODES = ("urls", "domains", "hashtags", "media")
PEER_RUNS = (
    _coortweet_run(RU, ("repost",), 10, f"{RU}__tw10_mp2_ew0.5"),
    _coortweet_run(RU, ("repost",), 60, f"{RU}__tw60_mp2_ew0.5"),
    *(_qut_run(RU, tw, w, with_peer=True) for tw in (10, 60) for w in (1, 2)),
    _coortweet_run(DE, ("urls",), 60, f"{DE}__fb_urls__tw60_mp2_ew0.5", platform="facebook"),
    _coortweet_run(DE, MODES, 30, f"{DE}__multimodal__tw30_mp2_ew0.5"),
    _coortweet_run(IRA, ("repost",), 60, None),
    _qut_run(IRA, 60, 2, with_peer=False),
)


def _edge_keys(rows: list[dict], directed: bool, source: str, target: str) -> set[tuple]:
    """Edges with their weights; an undirected edge's ends are a set (igraph orders them its own way)."""
    if directed:
        return {(r[source], r[target], int(r["weight"])) for r in rows}
    return {(frozenset((r[source], r[target])), int(r["weight"])) for r in rows}


def _accounts(rows: list[dict], source: str, target: str) -> int:
    return len({r[key] for r in rows for key in (source, target)})


def compare(store: Store, run: PeerRun, peer_dir: Path) -> PeerComparison:
    """Compute the run's network with unmask's mode and compare it with the peer's output, if any."""
    engine = DuckDBEngine(store)
    start = time.perf_counter()
    ours = engine.to_arrow(run.network(engine).select("source", "target", "weight")).to_pylist()
    seconds = time.perf_counter() - start
    result = PeerComparison(run, _accounts(ours, "source", "target"), len(ours), seconds)
    if run.peer_file is None:
        return result
    with (peer_dir / run.peer_file).open(newline="", encoding="utf-8") as handle:
        theirs = list(csv.DictReader(handle))
    source, target = ("source", "target") if run.directed else ("from", "to")
    mine = _edge_keys(ours, run.directed, "source", "target")
    peer = _edge_keys(theirs, run.directed, source, target)
    return PeerComparison(
        run,
        result.accounts,
        result.edges,
        seconds,
        peer_accounts=_accounts(theirs, source, target),
        peer_edges=len(theirs),
        only_peer=len(peer - mine),
        only_unmask=len(mine - peer),
    )
