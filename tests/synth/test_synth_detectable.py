"""The campaign is hidden from single fields but found by combining signals, and harder when asked."""

from __future__ import annotations

import numpy as np
import pytest
from synth_detector import detect
from synth_tables import f1, read_posts, read_truth


def combined_f1(out) -> float:
    truth = read_truth(out / "truth.csv")
    flagged = detect(read_posts(out / "io_archive.csv"))
    accounts = sorted(truth)
    return f1(np.array([a in flagged for a in accounts]), np.array([truth[a] for a in accounts]))


def test_combined_signals_find_the_campaign(normal) -> None:
    out, _ = normal
    assert combined_f1(out) >= 0.7


@pytest.mark.parametrize("difficulty", ["easy", "hard"])
def test_combined_signals_work_at_every_difficulty(make_scenario, difficulty: str) -> None:
    out, _ = make_scenario(difficulty=difficulty)
    assert combined_f1(out) >= 0.6
