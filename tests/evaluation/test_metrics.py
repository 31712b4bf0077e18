"""Contingency tables, purity and the adjusted Rand index against values computed by hand and
published ones (scikit-learn's documented examples, Hubert & Arabie's definition)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmask.errors import InputError
from unmask.evaluation.metrics import Contingency, adjusted_rand_index, contingency


def _ari(found: list, truth: list) -> float:
    return adjusted_rand_index(contingency(dict(enumerate(found)), dict(enumerate(truth))))


@pytest.mark.parametrize(
    ("found", "truth", "expected"),
    [
        ([0, 0, 1, 1], [0, 0, 1, 1], 1.0),
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),  # label names do not matter
        ([0, 0, 1, 2], [0, 0, 1, 1], 0.5714285714285715),  # scikit-learn's documented example
        ([0, 0, 1, 1], [0, 0, 1, 2], 0.5714285714285715),
        ([0, 0, 0, 0], [0, 1, 2, 3], 0.0),  # one group against all singletons: chance
        ([0, 1, 0, 1], [0, 0, 1, 1], -0.5),  # systematically crossed: below chance
        ([0, 0, 0, 0], [0, 0, 0, 0], 1.0),  # both trivial
    ],
)
def test_adjusted_rand_index_known_values(found, truth, expected):
    assert _ari(found, truth) == pytest.approx(expected)


def test_adjusted_rand_index_by_hand():
    """a a a b b against x x y y y: cells (a,x)=2, (a,y)=1, (b,y)=2 give 1+0+1 = 2 pairs together in
    both; rows give 3+1 = 4 pairs, columns 1+3 = 4; expected 4*4/C(5,2) = 1.6, maximum 4:
    ARI = (2 - 1.6) / (4 - 1.6) = 1/6."""
    assert _ari(list("aaabb"), list("xxyyy")) == pytest.approx(1 / 6)


def test_contingency_counts_shared_items_with_rows_and_columns_by_size():
    found = {1: "g1", 2: "g1", 3: "g1", 4: "g2", 5: "g2", 6: "only found"}
    truth = {1: "Left", 2: "Left", 3: "Right", 4: "Right", 5: "Right", 7: "only truth"}
    table = contingency(found, truth)
    assert table.rows == ["g1", "g2"]
    assert table.columns == ["Right", "Left"]
    assert table.counts == [[1, 2], [2, 0]]
    assert table.total == 5
    assert table.purity() == pytest.approx(4 / 5)
    assert table.majority() == {"g1": ("Left", 2, 3), "g2": ("Right", 2, 2)}


def test_rows_reordered_keep_their_counts():
    table = Contingency(["a", "b", "c"], ["x"], [[1], [2], [3]])
    moved = table.with_rows(["c", "missing", "a"])
    assert moved.rows == ["c", "a", "b"]
    assert moved.counts == [[3], [1], [2]]


def test_too_few_items_is_an_input_error():
    with pytest.raises(InputError):
        _ari([0], [0])


labellings = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=2, max_size=40)


@given(labellings)
def test_adjusted_rand_index_properties(pairs):
    found = [f for f, _ in pairs]
    truth = [t for _, t in pairs]
    value = _ari(found, truth)
    assert value <= 1.0 + 1e-12
    assert value == pytest.approx(_ari(truth, found))  # symmetric
    assert value == pytest.approx(_ari([f"renamed-{f}" for f in found], truth))  # names do not matter
    assert _ari(found, found) == pytest.approx(1.0)
