"""load_truth reads the answer key back exactly, and refuses files that are not one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmask.errors import InputError
from unmask.synth import load_truth

HEADER = "platform,account_id,label,campaign\n"

accounts = st.dictionaries(
    st.tuples(
        st.sampled_from(["x", "facebook"]), st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)
    ),
    st.one_of(st.none(), st.from_regex(r"[a-z]{3,10}-[0-9]", fullmatch=True)),
    max_size=30,
)


@given(accounts)
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory, truth: dict[tuple[str, str], str | None]
) -> None:
    path = tmp_path_factory.mktemp("truth") / "truth.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["platform", "account_id", "label", "campaign"])
        for (platform, account), campaign in truth.items():
            out.writerow([platform, account, "campaign" if campaign else "organic", campaign or ""])
    assert load_truth(path) == truth


def test_reads_the_generated_key(normal) -> None:
    out, summary = normal
    truth = load_truth(out / "truth.csv")
    assert len(truth) == summary.accounts
    assert sum(v is not None for v in truth.values()) == summary.campaign_accounts
    assert {v for v in truth.values() if v} == {"spamouflage-1"}
    assert all(platform == "x" for platform, _ in truth)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "id,label\n1,organic\n",
        HEADER + "x,1,organic\n",
        HEADER + "x,1,campaign,\n",
        HEADER + "x,1,organic,spamouflage-1\n",
        HEADER + "x,1,bot,\n",
        HEADER + "x,1,organic,\nx,1,organic,\n",
    ],
)
def test_rejects_what_is_not_a_truth_file(tmp_path: Path, body: str) -> None:
    path = tmp_path / "truth.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError):
        load_truth(path)


def test_missing_or_undecodable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_truth(tmp_path / "absent.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(HEADER.encode() + b"x,\xff\xfe,organic,\n")
    with pytest.raises(InputError):
        load_truth(bad)
