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


def _fold_stepwise(texts: list[str | None]) -> list[str | None]:
    """The fold as first written, one step per rule (the separators collapsed in a pass of their own)."""
    import pyarrow.compute as pc

    folded = pc.utf8_lower(pc.utf8_normalize(pa.array(texts, pa.string()), form="NFKC"))
    for pattern in (r"(?:https?://|www\.)\S+", r"@\w+", r"[^\p{L}\p{M}\s]+", r"\s+"):
        folded = pc.replace_substring_regex(folded, pattern, " ")
    return pc.utf8_trim_whitespace(folded).to_pylist()


_SEPARATED = st.text(alphabet=" a\u00e9\u0301.,!\t\n\u3000@/:1")  # runs of separators of every length
_SAMPLES = st.sampled_from(["RT @a: Trudeau!", "\u2028a\u00a0b\x0bc"])


@given(st.lists(st.one_of(st.none(), st.text(), _SEPARATED, _SAMPLES)))
def test_single_pass_fold_matches_the_stepwise_rules(texts: list[str | None]) -> None:
    assert fold_array(pa.array(texts, pa.string())).to_pylist() == _fold_stepwise(texts)


def test_parallel_fold_of_repeated_texts_matches_one_by_one(monkeypatch) -> None:
    texts = [None if i % 97 == 0 else f"Post {i % 500} by @user{i} — Ｆｉｎｅ!" for i in range(3000)]
    chunked = pa.chunked_array([pa.array(texts[:1000], pa.string()), pa.array(texts[1000:], pa.string())])
    one_by_one = [None if t is None else fold(t) for t in texts]
    monkeypatch.setattr("unmask.text._PARALLEL_FROM", 1)
    assert fold_array(chunked).to_pylist() == one_by_one
