"""The binomial tail that gates campaigns on inauthenticity."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from unmask.campaigns.score import binomial_tail


def brute(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


@given(st.integers(0, 40), st.integers(0, 40), st.floats(0.0, 1.0))
def test_matches_the_sum_of_probabilities(k: int, n: int, p: float) -> None:
    if k > n:
        k = n
    assert math.isclose(binomial_tail(k, n, p), min(1.0, brute(k, n, p)), rel_tol=1e-9, abs_tol=1e-12)


def test_base_rate_membership_is_not_surprising_and_excess_is() -> None:
    assert binomial_tail(10, 200, 0.05) > 0.4
    assert binomial_tail(90, 200, 0.05) < 1e-30
