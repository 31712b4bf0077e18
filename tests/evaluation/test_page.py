"""The evaluation page renders every section from its results, escapes data, and says what it left out."""

from __future__ import annotations

import re

import pytest

from unmask.campaigns.evaluate import Evaluation
from unmask.evaluation.ira import Alignment, CategoryAlignment
from unmask.evaluation.measure import Measured
from unmask.evaluation.metrics import Contingency
from unmask.evaluation.page import Figure, Results, cell, render
from unmask.evaluation.peers import COORTWEET, QUT, PeerComparison, PeerRun
from unmask.evaluation.real import SetFindings
from unmask.evaluation.synthetic import ScenarioFindings, Scores

STEP = Measured(seconds=1.5, peak_mb=120.0, stdout="")


def _run(tool: str, directed: bool, peer_file: str | None) -> PeerRun:
    return PeerRun("tiny", tool, "repost, time_window 10 s", lambda engine: None, directed, peer_file)


@pytest.fixture
def results() -> Results:
    table = Contingency(
        ["G01", "linked, in smaller groups", "not linked"],
        ["Left<script>alert(1)</script>", "Right|Troll"],
        [[2, 1], [0, 1], [1, 0]],
    )
    return Results(
        generated="2026-01-01, test machine",
        command="make eval",
        shared="/shared/real",
        shared_looked_at="/shared/real",
        sets=[
            SetFindings(
                name="tiny",
                label="A tiny set",
                rows=10,
                posts=9,
                rejects=1,
                accounts=4,
                ingest=STEP,
                detect=STEP,
                linked=3,
                communities=1,
                campaigns=1,
                campaign_accounts=3,
                campaign_signals=["co_post", "hijacked"],
                signals={"co_post": (3, 3), "co_link": (1, 2)},
            )
        ],
        peers=[
            PeerComparison(_run(COORTWEET, False, "c.csv"), 3, 2, 0.12, 3, 2, 0, 0),
            PeerComparison(_run(QUT, True, None), 2, 1, 0.05),
        ],
        ira=CategoryAlignment(
            accounts=5,
            linked=4,
            communities=Alignment("communities", 1, 3, table, 0.25, 0.667),
            campaigns=Alignment("campaigns", 0, 0, table, None, None),
        ),
        scenario=ScenarioFindings(
            posts=1000,
            seed=7,
            accounts=50,
            positives=5,
            synth=STEP,
            ingest=STEP,
            detect=STEP,
            scores=[
                Scores("co_post", "pair signal", 4, 0.75, 0.6, 0.6667),
                Scores("campaigns", "campaigns (fused)", 5, 1.0, 1.0, 1.0),
            ],
            fused=Evaluation(1.0, 1.0, 1.0, 5, 0, 0, 1.0, 1),
        ),
        figures={"ira_graph": Figure("img/eval-tiny-graph.png", "The tiny graph.")},
        seconds=90.0,
    )


def test_page_matches_its_golden_file(results: Results, golden) -> None:
    golden("evaluation.md", render(results))


def test_every_table_row_has_its_header_s_cells(results: Results) -> None:
    page = render(results)
    tables = re.findall(r"((?:^\|.*\|\n)+)", page, flags=re.MULTILINE)
    assert len(tables) == 4  # real sets, peers, one contingency table (no campaigns), scenario
    for table in tables:
        widths = {line.count("|") for line in table.splitlines()}
        assert len(widths) == 1, table


def test_data_values_are_escaped(results: Results) -> None:
    page = render(results)
    assert "<script>" not in page
    assert "Left&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Right&#124;Troll" in page
    assert cell("a|b\nc<d") == "a&#124;b c&lt;d"


def test_sections_show_the_measured_values(results: Results) -> None:
    page = render(results)
    assert "| tiny (A tiny set) | 10 | 9 (1) | 4 | 1.5 / 120 | 1.5 / 120 | 3 | 1 | 1 (3 accounts) |" in page
    assert "campaign members are tied in by co_post, hijacked" in page
    assert "| – | – | 2 | 1 | – |" in page  # the QUT row has no peer output
    assert "**0.250**" in page and "**0.667**" in page
    assert "unmask flagged no campaigns on this set." in page
    assert "![The tiny graph.](img/eval-tiny-graph.png)" in page
    assert "1.5 min" in page


def test_a_missing_real_set_is_named(results: Results) -> None:
    results.missing = ["/shared/real/gone.csv"]
    assert "> **Not found, so left out**: `/shared/real/gone.csv`." in render(results)


def test_page_without_shared_says_what_it_left_out(results: Results) -> None:
    results.shared = None
    results.sets, results.peers, results.ira = [], [], None
    page = render(results)
    assert "The real data were not available" in page and "/shared/real" in page
    assert "## Real data" not in page and "## The IRA set" not in page
    assert "## The built-in scenario" in page
