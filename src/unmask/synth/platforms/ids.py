"""Identifiers in each platform's own shape, derived from the scenario's ids by hashing.

Hashing (splitmix64 of the id and a per-use salt) keeps them deterministic and unique in practice
without a lookup table, and unlike X snowflakes they reveal nothing about time or account kind.
"""

from __future__ import annotations

import zlib

import numpy as np

DIGITS = "0123456789"
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648, lower case (CIDs, did:plc)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix(values: np.ndarray, salt: str) -> np.ndarray:
    """A 64-bit hash of each int64 value, different for each salt."""
    h = values.astype(np.int64).view(np.uint64) ^ np.uint64(zlib.crc32(salt.encode()) * 0x100000001)
    for _ in range(2):
        h = h + _GOLDEN
        h = (h ^ (h >> np.uint64(30))) * _M1
        h = (h ^ (h >> np.uint64(27))) * _M2
        h = h ^ (h >> np.uint64(31))
    return h


def encode(hashes: np.ndarray, alphabet: str, width: int) -> list[str]:
    """Fixed-width strings over `alphabet`: the hash's digits, re-hashed for every 8 characters."""
    if not len(hashes):
        return []
    base = np.uint64(len(alphabet))
    chars = np.array(list(alphabet))
    columns = []
    for position in range(width):
        if position % 8 == 0:  # 64 bits hold 8 digits of any base up to 256
            h = hashes.astype(np.uint64) if position == 0 else mix(hashes.view(np.int64), f"d{position}")
        columns.append(chars[(h % base).astype(np.int64)])
        h = h // base
    return np.ascontiguousarray(np.stack(columns, axis=1)).view(f"<U{width}").ravel().tolist()


def unit_floats(values: np.ndarray, salt: str) -> np.ndarray:
    """A uniform number in [0, 1) per value, fixed by the value (the same post always gets the same)."""
    return (mix(values, salt) >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def numeric_ids(values: np.ndarray, salt: str, digits: int) -> list[str]:
    """Decimal ids of exactly `digits` digits, not starting with 0."""
    return [str(int(c[0]) % 9 + 1) + c[1:] for c in encode(mix(values, salt), DIGITS, digits)]


def ranked_ids(values: np.ndarray, salt: str, digits: int) -> list[int]:
    """Unique ids of `digits` decimal digits that sort like `values` (handed out in sign-up order), with
    hashed gaps between neighbours so that they do not count the accounts."""
    low = 10 ** (digits - 1)
    step = (10**digits - low) // max(len(values), 1)
    rank = np.empty(len(values), np.int64)
    rank[np.argsort(values, kind="stable")] = np.arange(len(values))
    gap = (mix(values, salt) % np.uint64(step)).astype(np.int64)
    return (low + rank * step + gap).tolist()
