"""Edges from the pair ledger: the changed ones re-aggregated, the others re-weighted for a new account total.

An edge's weight is the sum over its pairs of log(accounts / key accounts) (see
unmask.signals.coaction), that is pairs · log N − Σ log(key accounts). The watch keeps both terms per
edge (`watch_edges`), so when N grows only the changed edges are re-aggregated from their pairs; the
others get the new N from their two terms, and every stored edge keeps the weight a full run gives it.
"""

from __future__ import annotations

import math

import ibis
from ibis import _

from unmask.campaigns.detect import EVIDENCE_PER_EDGE
from unmask.engines.base import Engine
from unmask.signals.coaction import pairs_to_edges
from unmask.store import Store

_SAME_EDGE = "e.signal = c.signal AND e.a = c.a AND e.b = c.b"


def _weight(total_accounts: int) -> str:
    """The edge weight from its two terms, as coaction weighs pairs (N at least 2)."""
    return f"pairs * {math.log(max(total_accounts, 2))!r} - log_k"


def update_edges(
    store: Store, engine: Engine, signals: tuple[str, ...], *, total_accounts: int, min_actions: int
) -> int:
    """Re-aggregate every edge in `_watch_changed` with its evidence; return how many edges changed."""
    con = store.con
    changed_signals = {r[0] for r in con.execute("SELECT DISTINCT signal FROM _watch_changed").fetchall()}
    for name in (s for s in signals if s in changed_signals):
        changed = engine.table("_watch_changed").filter(_.signal == name).select("a", "b")
        popularity = engine.table("watch_keys").filter(_.signal == name).select("key", "accounts")
        pairs = (
            engine.table("watch_pairs")
            .filter(_.signal == name)
            .semi_join(changed, ["a", "b"])
            .join(popularity, "key")
            .mutate(w=_.accounts.cast("float64").ln())  # so that pairs_to_edges sums the log term
        )
        counts = pairs.group_by(["a", "b"]).aggregate(pairs=_.count())
        edges = engine.materialize(
            "_watch_edges",
            pairs_to_edges(pairs, name)
            .filter(_.actions >= min_actions)
            .join(counts, ["a", "b"])
            .rename(log_k="weight"),
        )
        ranked = pairs.semi_join(edges, ["a", "b"]).mutate(
            rank=ibis.row_number().over(group_by=[_.a, _.b], order_by=[_.ts_a, _.post_a, _.post_b])
        )
        engine.materialize(
            "_watch_evidence",
            ranked.filter(_.rank < EVIDENCE_PER_EDGE).select(
                signal=ibis.literal(name),
                a="a",
                b="b",
                key="key",
                post_a="post_a",
                post_b="post_b",
                ts_a="ts_a",
                ts_b="ts_b",
            ),
        )
        for table in ("signal_edges", "watch_edges", "evidence"):
            con.execute(
                f"DELETE FROM {table} e USING _watch_changed c WHERE c.signal = $1 AND {_SAME_EDGE}", [name]
            )
        con.execute("INSERT INTO watch_edges SELECT signal, a, b, pairs, log_k FROM _watch_edges")
        con.execute(
            f"INSERT INTO signal_edges SELECT signal, a, b, {_weight(total_accounts)}, keys, actions, "
            "first_ts, last_ts FROM _watch_edges"
        )
        con.execute("INSERT INTO evidence SELECT * FROM _watch_evidence")
    row = con.execute("SELECT count(*) FROM (SELECT DISTINCT signal, a, b FROM _watch_changed)").fetchone()
    return int(row[0]) if row else 0


def reweigh_all(store: Store, total_accounts: int) -> None:
    """Give every stored edge the weight it has with `total_accounts` accounts."""
    store.con.execute(
        f"UPDATE signal_edges e SET weight = {_weight(total_accounts)} FROM watch_edges c WHERE {_SAME_EDGE}"
    )
