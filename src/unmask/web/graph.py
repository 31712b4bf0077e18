"""A campaign's account network with positions computed here, so the browser only draws it.

Kamada-Kawai (igraph) is deterministic: the same campaign is drawn the same way on every load. Each
node is coloured by its dominant signal (largest summed edge weight inside the campaign), each drawn
edge by the strongest of the signals linking the pair.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import igraph

from unmask.errors import NotFoundError
from unmask.store import Store

_MARGIN = 0.1  # room for labels, drawn to the right of their node


def campaign_graph(store: Store, campaign_id: str, max_nodes: int) -> dict[str, Any]:
    """Nodes (id, label, x, y in [0, 1], score, signal) and edges of a campaign's top accounts."""
    con = store.con
    total = con.execute(
        "SELECT count(*) FROM campaign_accounts WHERE campaign_id = ?", [campaign_id]
    ).fetchone()
    if not total or not total[0]:
        raise NotFoundError(f"no campaign {campaign_id!r}")
    members = con.execute(
        """SELECT c.platform || ':' || c.account_id AS acct, a.handle, c.score, c.signals
           FROM campaign_accounts c
           LEFT JOIN accounts a ON a.platform = c.platform AND a.account_id = c.account_id
           WHERE c.campaign_id = ? ORDER BY c.score DESC, acct LIMIT ?""",
        [campaign_id, max_nodes],
    ).fetchall()
    edge_rows = con.execute(
        """WITH m AS (
               SELECT platform || ':' || account_id AS acct FROM campaign_accounts WHERE campaign_id = ?
               ORDER BY score DESC, acct LIMIT ?)
           SELECT e.signal, e.a, e.b, e.weight FROM signal_edges e
           JOIN m ma ON ma.acct = e.a JOIN m mb ON mb.acct = e.b ORDER BY e.a, e.b, e.signal""",
        [campaign_id, max_nodes],
    ).fetchall()
    index = {acct: i for i, (acct, *_rest) in enumerate(members)}
    strength: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    pairs: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for signal, a, b, weight in edge_rows:
        strength[a][signal] += weight
        strength[b][signal] += weight
        pairs[(a, b)][signal] = max(weight, pairs[(a, b)].get(signal, 0.0))
    positions = _layout(len(members), [(index[a], index[b]) for a, b in pairs])
    nodes = [
        {
            "id": acct,
            "label": handle or acct,
            "x": x,
            "y": y,
            "score": round(score, 4),
            "signal": _dominant(strength.get(acct), signals),
        }
        for (acct, handle, score, signals), (x, y) in zip(members, positions, strict=True)
    ]
    edges = [
        {
            "source": a,
            "target": b,
            "signal": max(weights, key=lambda s: (weights[s], s)),
            "signals": sorted(weights),
            "weight": round(max(weights.values()), 4),
        }
        for (a, b), weights in pairs.items()
    ]
    return {
        "campaign_id": campaign_id,
        "nodes": nodes,
        "edges": edges,
        "signals": sorted({n["signal"] for n in nodes}),
        "total_accounts": int(total[0]),
        "truncated": int(total[0]) > len(nodes),
    }


def _dominant(weights: dict[str, float] | None, signals: str | None) -> str:
    """The node's strongest edge signal; an isolated node falls back to its first recorded signal."""
    if weights:
        return max(weights, key=lambda s: (weights[s], s))
    first = (signals or "").split(";")[0]
    return first or "none"


def _layout(n: int, edges: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Kamada-Kawai positions scaled into [margin, 1 - margin] on both axes."""
    if n == 0:
        return []
    if n == 1:
        return [(0.5, 0.5)]
    coords = igraph.Graph(n=n, edges=edges).layout_kamada_kawai().coords
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = (1 - 2 * _MARGIN) / span
    x0 = min(xs) - ((1 - 2 * _MARGIN) / scale - (max(xs) - min(xs))) / 2
    y0 = min(ys) - ((1 - 2 * _MARGIN) / scale - (max(ys) - min(ys))) / 2
    return [(round(_MARGIN + (x - x0) * scale, 4), round(_MARGIN + (y - y0) * scale, 4)) for x, y in coords]
