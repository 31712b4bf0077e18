"""The co-action primitive finds exactly the pairs a brute force finds, when neighbours allow."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import ibis
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.engines.duckdb import DuckDBEngine
from unmask.signals.coaction import co_action_pairs, pairs_to_edges
from unmask.store import Store

T0 = datetime(2023, 9, 1)

events_strategy = st.lists(
    st.tuples(st.sampled_from("abcde"), st.sampled_from(["k1", "k2", "k3"]), st.integers(0, 400)),
    max_size=25,
)


def _events(rows: list[tuple[str, str, int]]) -> ibis.Table:
    return ibis.memtable(
        pa.table(
            {
                "acct": [r[0] for r in rows],
                "key": [r[1] for r in rows],
                "ts": pa.array([T0 + timedelta(seconds=r[2]) for r in rows], pa.timestamp("us")),
                "post_id": [f"p{i}" for i in range(len(rows))],
            }
        )
    )


def brute_force(rows: list[tuple[str, str, int]], window: int) -> set[tuple[str, str, str, str]]:
    found = set()
    for i, (a, k, t) in enumerate(rows):
        for j, (b, k2, t2) in enumerate(rows):
            if i < j and k == k2 and a != b and abs(t - t2) <= window:
                (x, px), (y, py) = sorted([(a, f"p{i}"), (b, f"p{j}")])
                found.add((x, y, px, py))
    return found


@settings(max_examples=60, deadline=None)
@given(events_strategy)
def test_pairs_equal_brute_force_when_neighbours_cover_the_key(tmp_path_factory, rows) -> None:
    from unmask.store import open_store

    with open_store(tmp_path_factory.mktemp("co") / "s.duckdb") as store:
        engine = DuckDBEngine(store)
        pairs = engine.to_arrow(
            co_action_pairs(_events(rows), window_s=120, neighbors=len(rows) + 1, total_accounts=10)
        )
    got = set(
        zip(
            pairs["a"].to_pylist(),
            pairs["b"].to_pylist(),
            pairs["post_a"].to_pylist(),
            pairs["post_b"].to_pylist(),
            strict=True,
        )
    )
    assert got == brute_force(rows, 120)
    assert all(a < b for a, b, _pa, _pb in got)


def test_neighbours_bound_the_pairs_per_event(store: Store) -> None:
    rows = [(f"acct{i:03d}", "k", i) for i in range(100)]
    engine = DuckDBEngine(store)
    pairs = engine.to_arrow(co_action_pairs(_events(rows), window_s=3600, neighbors=5, total_accounts=100))
    assert pairs.num_rows == sum(min(5, 99 - i) for i in range(100))


def test_popular_keys_weigh_less_and_edges_count_co_actions(store: Store) -> None:
    rows = [("a", "rare", 0), ("b", "rare", 30), ("a", "rare2", 1000), ("b", "rare2", 1010)]
    rows += [(f"fan{i}", "popular", 5000 + i) for i in range(20)] + [
        ("a", "popular", 5000),
        ("b", "popular", 5001),
    ]
    engine = DuckDBEngine(store)
    pairs = co_action_pairs(_events(rows), window_s=60, neighbors=30, total_accounts=100)
    table = engine.to_arrow(pairs)
    weights = dict(zip(table["key"].to_pylist(), table["w"].to_pylist(), strict=True))
    assert math.isclose(weights["rare"], math.log(100 / 2))
    assert weights["popular"] < weights["rare"]
    edges = engine.to_arrow(pairs_to_edges(pairs, "test").filter(ibis._.a == "a").filter(ibis._.b == "b"))
    assert edges["actions"].to_pylist() == [3]
    assert edges["keys"].to_pylist() == [3]
