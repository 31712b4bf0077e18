"""Fusion: every signal's edges into one weighted account graph, cut into communities with Leiden."""

from __future__ import annotations

from dataclasses import dataclass

import igraph
import leidenalg
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MIN_ACTIONS = 2  # an edge needs two separate co-actions: one coincidence is not coordination
LEIDEN_SEED = 42


@dataclass
class FusedGraph:
    """Accounts (vertex names), fused edge weights, and which signals carried each edge."""

    graph: igraph.Graph
    accounts: list[str]
    membership: np.ndarray  # community index per vertex

    def community_members(self) -> dict[int, list[int]]:
        members: dict[int, list[int]] = {}
        for vertex, community in enumerate(self.membership.tolist()):
            members.setdefault(community, []).append(vertex)
        return members


def fuse(edges: pa.Table, *, min_actions: int = MIN_ACTIONS, resolution: float = 1.0) -> FusedGraph:
    """Sum the weights of edges that pass `min_actions` per signal; partition with Leiden (seeded)."""
    kept = edges.filter(pc.greater_equal(edges["actions"], min_actions))
    grouped = (
        kept.group_by(["a", "b"])
        .aggregate([("weight", "sum"), ("signal", "distinct")])
        .sort_by([("a", "ascending"), ("b", "ascending")])
    )
    a = grouped["a"].to_pylist()
    b = grouped["b"].to_pylist()
    accounts = sorted(set(a) | set(b))
    index = {acct: i for i, acct in enumerate(accounts)}
    graph = igraph.Graph(n=len(accounts), edges=[(index[x], index[y]) for x, y in zip(a, b, strict=True)])
    graph.vs["name"] = accounts
    # Rounded and sorted so that every engine (and every summation order) builds the same graph.
    graph.es["weight"] = [round(w, 9) for w in grouped["weight_sum"].to_pylist()]
    graph.es["signals"] = [sorted(s) for s in grouped["signal_distinct"].to_pylist()]
    if graph.ecount() == 0:
        return FusedGraph(graph, accounts, np.arange(len(accounts)))
    partition = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        seed=LEIDEN_SEED,
        n_iterations=2,
    )
    return FusedGraph(graph, accounts, np.asarray(partition.membership))
