"""Text folding: one definition of "the same text" for ingest and signals."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from unmask.text import fold, fold_array


def test_folds_case_links_mentions_emoji_digits_punctuation() -> None:
    a = fold("Justin Trudeau is a CRIMINAL!!! 😡 @pm https://t.co/abc #Canada 2023")
    b = fold("justin trudeau is a criminal @someone www.example.org/x  canada")
    assert a == b == "justin trudeau is a criminal canada"


def test_nfkc_makes_fullwidth_and_ascii_equal() -> None:
    assert fold("Ｔｒｕｄｅａｕ est un criminel…") == fold("Trudeau est un criminel")


def test_keeps_non_latin_letters() -> None:
    assert fold("特鲁多是罪犯！") == "特鲁多是罪犯"


def test_nulls_stay_null() -> None:
    assert fold_array(pa.array([None, "A"], pa.string())).to_pylist() == [None, "a"]


@given(st.text())
def test_fold_is_idempotent_and_trimmed(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once == once.strip()
    assert "  " not in once
