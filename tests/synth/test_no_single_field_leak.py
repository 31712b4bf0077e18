"""No single field gives the campaign away, and naive duplicate hunting fails (the petition, stock replies
and news shares trip it), at every difficulty."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from synth_tables import (
    AccountTable,
    best_category_f1,
    best_threshold_f1,
    f1,
    leak_scores,
    read_posts,
    read_truth,
    x_api_columns,
)

LEAK_LIMIT = 0.5
EXACT_DUPLICATE_LIMIT = 0.6


@pytest.fixture(scope="module", params=["easy", "normal", "hard"])
def table(request: pytest.FixtureRequest, make_scenario) -> AccountTable:
    out, _ = make_scenario(difficulty=request.param)
    return AccountTable(read_posts(out / "io_archive.csv"), read_truth(out / "truth.csv"))


def test_every_account_and_post_column_stays_below_the_leak_limit(table: AccountTable) -> None:
    scores = leak_scores(table)
    assert len(scores) > 60  # the table really covers profile, behaviour and per-post columns
    leaks = {name: round(score, 3) for name, score in scores.items() if score >= LEAK_LIMIT}
    assert not leaks, f"one-field rules that find the campaign: {leaks}"


def test_columns_only_the_x_api_layout_has_stay_below_the_leak_limit(normal) -> None:
    out, _ = normal
    table = AccountTable(read_posts(out / "io_archive.csv"), read_truth(out / "truth.csv"))
    columns = x_api_columns(out / "x_api_v2.jsonl", table.accounts)
    scores = {name: best_threshold_f1(values, table.labels) for name, values in columns.items()}
    assert max(scores.values()) < LEAK_LIMIT, scores


def test_exact_duplicate_texts_alone_do_not_find_the_campaign(normal) -> None:
    out, _ = normal
    truth = read_truth(out / "truth.csv")
    posters: dict[str, set[str]] = defaultdict(set)
    for row in read_posts(out / "io_archive.csv"):
        if row["is_retweet"] == "False":
            posters[row["tweet_text"]].add(row["userid"])
    flagged = set().union(*(users for users in posters.values() if len(users) > 1))
    accounts = sorted(truth)
    score = f1(np.array([a in flagged for a in accounts]), np.array([truth[a] for a in accounts]))
    assert sum(truth[a] for a in flagged) > 0.5 * sum(truth.values())  # campaign accounts do repeat texts...
    assert score < EXACT_DUPLICATE_LIMIT  # ...but so do far more organic accounts


def test_rule_scorers_find_a_planted_leak() -> None:
    """The scorers are not blind: a column equal to the label scores 1, a shuffled one scores low."""
    rng = np.random.default_rng(1)
    labels = rng.random(2000) < 0.03
    assert best_threshold_f1(labels.astype(float), labels) == pytest.approx(1.0)
    assert best_threshold_f1(rng.random(2000), labels) < 0.2
    assert best_category_f1([{"x"} if y else {"y"} for y in labels], labels) == pytest.approx(1.0)
    assert best_category_f1([{str(v)} for v in rng.integers(0, 5, 2000)], labels) < 0.2
