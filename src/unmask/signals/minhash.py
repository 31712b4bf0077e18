"""MinHash signatures of character shingles, vectorised over a whole batch of texts with NumPy.

datasketch computes one MinHash per Python call (tens of microseconds per text); detection needs
hundreds of thousands of texts per second, so the same scheme — k-character shingles, a universal
hash per permutation, the minimum per text — is computed here for a batch at once. The function is
pure and deterministic, so every engine that maps it over batches gets identical signatures.
"""

from __future__ import annotations

import numpy as np

_MIX_A = np.uint64(0x9E3779B97F4A7C15)
_MIX_B = np.uint64(0xBF58476D1CE4E5B9)
_MIX_C = np.uint64(0x94D049BB133111EB)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads the polynomial shingle hash over all 64 bits."""
    h = h + _MIX_A
    h = (h ^ (h >> np.uint64(30))) * _MIX_B
    h = (h ^ (h >> np.uint64(27))) * _MIX_C
    return h ^ (h >> np.uint64(31))


def signatures(texts: list[str], *, shingle: int = 5, num_perm: int = 32, seed: int = 1) -> np.ndarray:
    """(len(texts), num_perm) uint32 one-permutation MinHash signatures with densification.

    One hash per shingle; its low bits pick a bin, its high bits compete for the bin's minimum
    (Li, Owen & Zhang's one-permutation hashing, ~30x cheaper than num_perm hashes). Empty bins borrow
    the next non-empty bin to the right, offset by the distance, so short texts still compare.
    A text shorter than `shingle` is one shingle; an empty text gets the all-max signature.
    """
    n = len(texts)
    empty = np.iinfo(np.uint32).max
    out = np.full((n, num_perm), empty, dtype=np.uint32)
    if n == 0:
        return out
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    k = np.minimum(lengths, shingle)  # per text: shingle width actually used
    counts = np.where(lengths > 0, lengths - k + 1, 0)
    if not counts.any():
        return out
    owner = np.repeat(np.arange(n), counts)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    pos = starts[owner] + (np.arange(owner.size) - first[owner])
    width = k[owner]
    padded = np.concatenate((codes, np.zeros(shingle, dtype=np.uint64)))
    h = np.full(owner.size, np.uint64(seed), dtype=np.uint64)
    for j in range(shingle):
        h = np.where(width > j, h * np.uint64(1_000_003) + padded[pos + j] + np.uint64(1), h)
    h = _mix(h)
    cell = owner * num_perm + (h % np.uint64(num_perm)).astype(np.int64)
    flat = out.reshape(-1)
    np.minimum.at(flat, cell, (h >> np.uint64(32)).astype(np.uint32))
    _densify(out, counts > 0, empty)
    return out


def _densify(sig: np.ndarray, nonempty_rows: np.ndarray, empty: int) -> None:
    """Fill empty bins from the next filled bin to the right (circularly), offset by the distance."""
    rows = sig[nonempty_rows]
    missing = rows == empty
    source = rows.copy()
    shift = 0
    while missing.any() and shift < rows.shape[1]:
        shift += 1
        rolled = np.roll(source, -shift, axis=1)
        fill = missing & (rolled != empty)
        rows[fill] = rolled[fill] + np.uint32(shift)
        missing &= ~fill
    sig[nonempty_rows] = rows


def band_hashes(sig: np.ndarray, bands: int) -> np.ndarray:
    """(n, bands) int64 bucket ids: texts sharing any band's bucket are near-duplicate candidates."""
    n, num_perm = sig.shape
    rows = num_perm // bands
    out = np.empty((n, bands), dtype=np.int64)
    for band in range(bands):
        block = sig[:, band * rows : (band + 1) * rows].astype(np.uint64)
        h = np.full(n, np.uint64(band + 1), dtype=np.uint64)
        for col in range(rows):
            h = _mix(h ^ block[:, col])
        out[:, band] = (h >> np.uint64(1)).astype(np.int64)
    return out
