"""Shared fixtures: a fresh store, and the path of ../shared (tests skip with a reason without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from unmask.store import Store, open_store
from unmask.synth.planted import build_planted

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "test.duckdb") as opened:
        yield opened


@pytest.fixture
def shared() -> Path:
    """../shared beside the project; skip (with the reason) where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}: real data and DISARM reference tests skipped")
    return SHARED


@pytest.fixture
def planted(store: Store) -> Store:
    """A store holding the small planted scenario (see unmask.synth.planted)."""
    return build_planted(store)
