"""Generated scenarios shared by the synth tests (each size and difficulty is generated once per session)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from unmask.synth import SynthSummary, generate

Scenario = tuple[Path, SynthSummary]


@pytest.fixture(scope="session")
def make_scenario(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Scenario]:
    """generate() into a session folder, memoised on its arguments."""
    made: dict[tuple[int, int, str], Scenario] = {}

    def make(posts: int = 20_000, seed: int = 7, difficulty: str = "normal") -> Scenario:
        key = (posts, seed, difficulty)
        if key not in made:
            out = tmp_path_factory.mktemp(f"synth-{posts}-{seed}-{difficulty}")
            made[key] = (out, generate(out, posts=posts, seed=seed, difficulty=difficulty))
        return made[key]

    return make


@pytest.fixture(scope="session")
def normal(make_scenario: Callable[..., Scenario]) -> Scenario:
    return make_scenario()
