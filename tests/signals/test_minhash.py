"""The vectorised MinHash agrees with true shingle Jaccard closely enough to find templates."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.signals.minhash import band_hashes, signatures


def shingle_jaccard(a: str, b: str, k: int = 5) -> float:
    sa = {a[i : i + k] for i in range(len(a) - k + 1)}
    sb = {b[i : i + k] for i in range(len(b) - k + 1)}
    return len(sa & sb) / len(sa | sb)


def test_identical_texts_identical_signatures_and_disjoint_texts_differ() -> None:
    a = "justin trudeau protects the fugitive criminal who insulted the chinese people"
    c = "the weather today in vancouver is lovely let us go hiking up grouse mountain"
    sig = signatures([a, a, c])
    assert (sig[0] == sig[1]).all()
    assert (sig[0] == sig[2]).mean() < 0.1


def test_estimate_tracks_true_jaccard() -> None:
    rng = np.random.default_rng(3)
    base = "the critic is a liar and a criminal wanted by the police in his own country and abroad"
    errors = []
    for _ in range(200):
        words = base.split()
        for _edit in range(int(rng.integers(0, 6))):
            words[int(rng.integers(0, len(words)))] = "x" * int(rng.integers(2, 7))
        variant = " ".join(words)
        sig = signatures([base, variant], num_perm=128)
        errors.append(abs((sig[0] == sig[1]).mean() - shingle_jaccard(base, variant)))
    assert float(np.mean(errors)) < 0.06


def test_short_and_empty_texts() -> None:
    sig = signatures(["abc", "abc", ""])
    assert (sig[0] == sig[1]).all()
    assert (sig[2] == np.iinfo(np.uint32).max).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=12))
def test_batch_equals_one_by_one(texts: list[str]) -> None:
    together = signatures(texts)
    for i, text in enumerate(texts):
        assert (together[i] == signatures([text])[0]).all()


def test_bands_collide_for_near_duplicates_only() -> None:
    a = "justin trudeau protects the fugitive criminal who insulted the chinese people"
    b = a + " lol"
    c = "completely different words about hockey and the maple leafs tonight"
    bands = band_hashes(signatures([a, b, c]), 8)
    assert (bands[0] == bands[1]).any()
    assert not (bands[0] == bands[2]).any()
