"""Perceptual hashes a few bits apart are one picture for co-media; other media references are not."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import ibis
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.engines.duckdb import DuckDBEngine
from unmask.signals.media_hash import hash_keys, near_media_events, near_pairs
from unmask.store import Store


def flip(hex_hash: str, bits: list[int]) -> str:
    value = int(hex_hash, 16)
    for bit in bits:
        value ^= 1 << bit
    return f"{value:0{len(hex_hash)}x}"


def brute_force(hashes: list[str], n_bits: int) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i in range(len(hashes))
        for j in range(i + 1, len(hashes))
        if bin(int(hashes[i], 16) ^ int(hashes[j], 16)).count("1") <= n_bits // 8
    ]


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    originals=st.integers(1, 6),
    copies=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 14)), max_size=20),
)
def test_pairs_equal_brute_force(seed: int, originals: int, copies: list[tuple[int, int]]) -> None:
    """Copies with 0–14 flipped bits of 64: everything within 8 bits is found, nothing farther."""
    rng = random.Random(seed)
    base = [f"{rng.getrandbits(64):016x}" for _ in range(originals)]
    hashes = base + [flip(base[o % originals], rng.sample(range(64), k)) for o, k in copies]
    hashes = sorted(set(hashes))
    assert near_pairs(hashes, 64) == brute_force(hashes, 64)


def test_re_encoded_copies_share_a_key_and_other_references_keep_theirs() -> None:
    rng = random.Random(1)
    pdq = f"{rng.getrandbits(256):064x}"
    close = flip(pdq, rng.sample(range(256), 20))  # a re-encoded copy
    far = flip(pdq, rng.sample(range(256), 90))  # another picture
    keys = hash_keys([pdq, close, far, "3_12345", "https://x.org/a.jpg"])
    assert keys[pdq] == keys[close] == min(pdq, close)
    assert keys[far] == far
    assert "3_12345" not in keys and "https://x.org/a.jpg" not in keys


def test_media_events_get_the_group_key(store: Store) -> None:
    rng = random.Random(2)
    phash = f"{rng.getrandbits(64):016x}"
    items = [phash, flip(phash, [3, 40]), flip(phash, [7]), f"{rng.getrandbits(64):016x}", "3_99"]
    t0 = datetime(2023, 9, 1)
    events = ibis.memtable(
        pa.table(
            {
                "acct": [f"x:a{i}" for i in range(len(items))],
                "key": items,
                "ts": pa.array([t0 + timedelta(minutes=i) for i in range(len(items))], pa.timestamp("us")),
                "post_id": [f"p{i}" for i in range(len(items))],
            }
        )
    )
    got = DuckDBEngine(store).to_arrow(near_media_events(DuckDBEngine(store), events)).to_pylist()
    key = {row["post_id"]: row["key"] for row in got}
    assert key["p0"] == key["p1"] == key["p2"] == min(items[:3])
    assert key["p3"] == items[3] and key["p4"] == "3_99"
    assert len(got) == len(items)
