"""The demo size (100k posts): still hidden from every single field, still found by combined signals."""

from __future__ import annotations

import numpy as np
import pytest
from synth_detector import detect
from synth_tables import AccountTable, f1, leak_scores, read_posts, read_truth

pytestmark = pytest.mark.slow


def test_demo_size_scenario_hides_and_reveals_the_campaign(make_scenario) -> None:
    out, summary = make_scenario(posts=100_000)
    assert summary.targeted_politicians >= 40
    assert 150 <= summary.campaign_accounts <= 400
    posts, truth = read_posts(out / "io_archive.csv"), read_truth(out / "truth.csv")
    leaks = {k: round(v, 3) for k, v in leak_scores(AccountTable(posts, truth)).items() if v >= 0.5}
    assert not leaks
    accounts = sorted(truth)
    flagged = detect(posts)
    assert f1(np.array([a in flagged for a in accounts]), np.array([truth[a] for a in accounts])) >= 0.75
