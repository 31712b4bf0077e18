"""Detection end to end on a planted scenario: the planted accounts are found, with evidence."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from unmask.campaigns.detect import default_memory_limit, detect
from unmask.campaigns.evaluate import evaluate
from unmask.campaigns.explain import explain
from unmask.campaigns.outputs import ACCOUNTS_HEADER, write_outputs
from unmask.errors import InputError
from unmask.store import Store


def truth() -> dict[tuple[str, str], str | None]:
    labels: dict[tuple[str, str], str | None] = {("x", f"o{i}"): None for i in range(300)}
    labels.update({("x", f"c{i}"): "planted" for i in range(30)})
    return labels


def test_planted_campaign_is_found(planted: Store) -> None:
    result = detect(planted)
    assert result.campaigns, "no campaign found"
    scores = evaluate(planted, truth())
    assert scores.precision >= 0.95
    assert scores.recall >= 0.9
    summary = result.summaries[result.campaigns[0].campaign_id]
    assert summary["targets"] and summary["targets"][0]["account_id"].startswith("mp")
    assert {"near_duplicate", "co_reply"} <= set(summary["signals"])


def test_detect_caps_duckdb_memory(planted: Store) -> None:
    """Detection spills past its cap instead of growing to most of the machine (10M posts did)."""
    detect(planted, memory_limit="300MB")
    assert planted.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] in (
        "286.1 MiB",
        "300.0 MB",
    )
    detect(planted)
    default = planted.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    half_mib = int(default_memory_limit().removesuffix("MiB"))
    number, unit = default.split()
    assert abs(float(number) * {"MiB": 1, "GiB": 1024}[unit] - half_mib) < 0.01 * half_mib
    with pytest.raises(InputError, match="memory limit"):
        detect(planted, memory_limit="1GB'; DROP TABLE posts; --")


def test_results_replace_previous_run(planted: Store) -> None:
    detect(planted)
    first = planted.con.execute("SELECT count(*) FROM campaign_accounts").fetchone()[0]
    detect(planted)
    assert planted.con.execute("SELECT count(*) FROM campaign_accounts").fetchone()[0] == first
    assert planted.con.execute("SELECT count(*) FROM detect_runs").fetchone()[0] == 1


def test_outputs_follow_the_contract(planted: Store, tmp_path: Path) -> None:
    accounts_csv, campaigns_json = write_outputs(detect(planted), tmp_path)
    with accounts_csv.open() as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == ACCOUNTS_HEADER
    assert len(rows) - 1 == planted.con.execute("SELECT count(*) FROM campaign_accounts").fetchone()[0]
    campaigns = json.loads(campaigns_json.read_text())
    assert {c["campaign_id"] for c in campaigns} == {r[2] for r in rows[1:]}
    for key in (
        "accounts",
        "posts",
        "platforms",
        "languages",
        "time_span",
        "bursts",
        "targets",
        "narratives",
    ):
        assert key in campaigns[0]


def test_explain_shows_post_pairs_and_times(planted: Store) -> None:
    detect(planted)
    flagged = planted.con.execute("SELECT account_id FROM campaign_accounts LIMIT 1").fetchone()[0]
    why = explain(planted, flagged)
    assert why.campaign_id is not None
    assert any(f["feature"] == "creation_batch" for f in why.flags)
    evidence = [ev for edge in why.edges for ev in edge["evidence"]]
    assert evidence
    for ev in evidence:
        assert ev["text"] and ev["other_text"] and ev["time"] and ev["other_time"]
        assert ev["post"] != ev["other_post"]
