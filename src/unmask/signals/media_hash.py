"""Near-identical media: perceptual hashes within a Hamming distance share one key.

A re-encoded, cropped or re-compressed copy of an image or video frame gets a perceptual hash a few
bits away from the original's, never the same string. Media references that are hex perceptual
hashes (64-bit pHash/dHash, 16 hex digits; 256-bit PDQ, 64 hex digits) are grouped when they differ
in at most 1/8 of their bits (32 of PDQ's 256, Meta's own match threshold being 31), so the co-media
signal sees one key per picture. Other references (media keys, URLs) keep their own value.

Candidates come from exact matches on bands of bits (multi-index hashing: two hashes within the
distance agree on at least one of `distance + 1` bands), then the Hamming distance is checked on
every candidate; a band bucket holding more than MAX_BUCKET hashes is a degenerate value (a blank
frame) and is skipped rather than compared all-pairs.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import igraph
import numpy as np
import pyarrow as pa
from ibis import _

from unmask.engines.base import Engine

HEX_BITS = {16: 64, 64: 256}  # hex digits of a perceptual hash -> its bits
MAX_BUCKET = 2_000


def _bits(hashes: list[str], n_bits: int) -> np.ndarray:
    """Hashes as rows of bits (uint8 0/1), most significant first."""
    raw = np.frombuffer(b"".join(bytes.fromhex(h) for h in hashes), dtype=np.uint8)
    return np.unpackbits(raw.reshape(len(hashes), n_bits // 8), axis=1)


def near_pairs(hashes: list[str], n_bits: int) -> list[tuple[int, int]]:
    """Index pairs of hashes (all `n_bits` long) within n_bits/8 differing bits."""
    if len(hashes) < 2:
        return []
    distance = n_bits // 8
    bits = _bits(hashes, n_bits)
    packed = np.packbits(bits, axis=1)
    bands = np.array_split(np.arange(n_bits), distance + 1)
    weights = [1 << np.arange(len(band), dtype=np.uint64)[::-1] for band in bands]
    found: set[tuple[int, int]] = set()
    for band, weight in zip(bands, weights, strict=True):
        keys = bits[:, band].astype(np.uint64) @ weight
        order = np.argsort(keys, kind="stable")
        bounds = np.flatnonzero(np.diff(keys[order])) + 1
        for group in np.split(order, bounds):
            if not 1 < len(group) <= MAX_BUCKET:
                continue
            xor = np.bitwise_xor(packed[group][:, None, :], packed[group][None, :, :])
            close = np.unpackbits(xor, axis=2).sum(axis=2) <= distance
            for i, j in zip(*np.nonzero(np.triu(close, k=1)), strict=True):
                found.add((int(group[i]), int(group[j])))
    return sorted(found)


def hash_keys(values: list[str]) -> dict[str, str]:
    """value -> key for the perceptual hashes among `values`: the smallest hash of its near group."""
    keys: dict[str, str] = {}
    for digits, n_bits in HEX_BITS.items():
        hashes = sorted({v.lower() for v in values if len(v) == digits and _is_hex(v)})
        graph = igraph.Graph(n=len(hashes), edges=near_pairs(hashes, n_bits))
        for component in graph.connected_components():
            root = hashes[min(component)]
            keys.update({hashes[i]: root for i in component})
    return {v: keys[v.lower()] for v in values if v.lower() in keys}


def _is_hex(value: str) -> bool:
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True


def near_media_events(engine: Engine, events: ir.Table) -> ir.Table:
    """Media events (`acct, key, ts, post_id`) with each perceptual-hash key replaced by its group's."""
    candidates = events.filter(events.key.length().isin(list(HEX_BITS))).select("key").distinct()
    mapping = hash_keys(engine.to_arrow(candidates)["key"].to_pylist())
    if not mapping:
        return events
    table = engine.materialize(
        "_media_hash_keys",
        ibis.memtable(pa.table({"hash": list(mapping), "group_key": list(mapping.values())})),
    )
    joined = events.left_join(table, events.key == table.hash)
    return joined.select("acct", key=ibis.coalesce(_.group_key, _.key), ts="ts", post_id="post_id")
