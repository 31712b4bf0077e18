"""The evaluation's readings of a detected store: findings, groups against labels, scores, figures.

All on the planted scenario (unmask.synth.planted: 30 template accounts among 300 organic ones), so
every number can be checked against the store itself.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from unmask.campaigns.detect import detect
from unmask.campaigns.evaluate import evaluate, read_truth
from unmask.errors import InputError
from unmask.evaluation import figures
from unmask.evaluation.ira import NOT_LINKED, align, categories, group_names
from unmask.evaluation.measure import Measured
from unmask.evaluation.real import (
    RealSet,
    campaign_groups,
    communities,
    coordination_graph,
    file_rows,
    findings,
)
from unmask.evaluation.synthetic import score
from unmask.signals.registry import ACCOUNT_FEATURES, PAIR_SIGNALS
from unmask.store import Store, open_store
from unmask.synth.planted import build_planted

STEP = Measured(2.0, 50.0, "")
PLANTED = {f"x:c{i}" for i in range(30)}


@pytest.fixture(scope="module")
def detected(tmp_path_factory) -> Store:
    """Detected once for the module: the tests only read it."""
    with open_store(tmp_path_factory.mktemp("planted") / "s.duckdb") as store:
        build_planted(store)
        detect(store)
        yield store


def _labels() -> dict[str, str]:
    return {f"x:o{i}": "organic" for i in range(300)} | dict.fromkeys(PLANTED, "planted")


def test_findings_count_the_store_and_its_results(detected: Store) -> None:
    found = findings(detected, RealSet("planted", "p.csv", "planted"), 330, STEP, STEP)
    con = detected.con
    assert found.posts == con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert found.accounts == con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    assert found.campaigns >= 1 and found.campaign_accounts >= 27
    linked = con.execute("SELECT count(*) FROM (SELECT a FROM signal_edges UNION SELECT b FROM signal_edges)")
    assert found.linked == linked.fetchone()[0]
    for signal, (edges, accounts) in found.signals.items():
        assert (
            edges == con.execute("SELECT count(*) FROM signal_edges WHERE signal = ?", [signal]).fetchone()[0]
        )
        assert 2 <= accounts <= 2 * edges
    assert {"near_duplicate", "co_reply"} <= set(found.campaign_signals)


def test_coordination_graph_is_the_one_campaigns_were_cut_from(detected: Store) -> None:
    groups = communities(coordination_graph(detected))
    for campaign, members in _by_group(campaign_groups(detected)).items():
        homes = {groups.get(acct) for acct in members}
        assert len(homes) == 1 and None not in homes, f"{campaign} spans communities {homes}"


def _by_group(groups: dict[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for acct, group in groups.items():
        out.setdefault(group, set()).add(acct)
    return out


def test_group_names_follow_size() -> None:
    names = group_names({"a": 7, "b": 7, "c": 3, "d": 9, "e": 9, "f": 9})
    assert names == {"d": "G01", "e": "G01", "f": "G01", "a": "G02", "b": "G02", "c": "G03"}


def test_alignment_with_labels(detected: Store) -> None:
    result = align(detected, coordination_graph(detected), _labels())
    assert result.accounts == 330
    campaigns = result.campaigns
    # Campaign members are all planted: one label, split over several campaigns, is pure (purity 1)
    # yet by definition no better than chance for the adjusted Rand index (0).
    assert campaigns.groups >= 1 and campaigns.accounts >= 27
    assert campaigns.purity == 1.0 and campaigns.ari == pytest.approx(0.0)
    table = campaigns.table
    assert table.total == 330
    assert table.rows[-1] == NOT_LINKED
    planted_column = table.columns.index("planted")
    in_campaigns = sum(
        table.counts[table.rows.index(c)][planted_column] for c in set(campaign_groups(detected).values())
    )
    assert in_campaigns >= 27


def test_categories_read_the_label_column(detected: Store, tmp_path: Path) -> None:
    data = tmp_path / "labels.csv"
    data.write_text('who,kind,text\nann,Left,"one,\ntwo"\nbob,Right,x\nann,Left,y\n')
    spec = RealSet("t", "labels.csv", "t", account_column="who", label_column="kind")
    assert categories(detected, data, spec) == {"x:ann": "Left", "x:bob": "Right"}
    assert file_rows(detected, data) == 3  # the quoted line break stays in its row
    with pytest.raises(InputError, match="no labels"):
        categories(detected, data, RealSet("t", "labels.csv", "t"))


def test_scores_per_signal_feature_and_fused(detected: Store, tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    with truth.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["platform", "account_id", "label", "campaign"])
        writer.writerows(
            ["x", a.split(":")[1], "campaign" if a in PLANTED else "organic", "c1" if a in PLANTED else ""]
            for a in _labels()
        )
    scores, fused, accounts, positives = score(detected, truth)
    assert (accounts, positives) == (330, 30)
    assert [s.name for s in scores] == [*PAIR_SIGNALS, *ACCOUNT_FEATURES, "campaigns"]
    assert fused == evaluate(detected, read_truth(truth))
    reply = next(s for s in scores if s.name == "co_reply")
    accounts_with_edges = {
        acct
        for (acct,) in detected.con.execute(
            "SELECT a FROM signal_edges WHERE signal = 'co_reply' "
            "UNION SELECT b FROM signal_edges WHERE signal = 'co_reply'"
        ).fetchall()
    }
    assert reply.flagged == len(accounts_with_edges)
    assert reply.precision == pytest.approx(len(accounts_with_edges & PLANTED) / len(accounts_with_edges))
    assert reply.recall == pytest.approx(len(accounts_with_edges & PLANTED) / 30)


def test_figures_are_pngs_and_the_same_results_draw_the_same_picture(detected: Store, tmp_path: Path) -> None:
    graph = coordination_graph(detected)
    groups = campaign_groups(detected)
    drawn = []
    for attempt in range(2):
        out = tmp_path / f"graph{attempt}.png"
        figures.group_graph(graph, groups, out, "planted")
        drawn.append(out.read_bytes())
    assert drawn[0].startswith(b"\x89PNG") and drawn[0] == drawn[1]
    timeline = tmp_path / "timeline.png"
    figures.group_timeline(detected, groups, timeline, "planted")
    assert timeline.read_bytes().startswith(b"\x89PNG")
