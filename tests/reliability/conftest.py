"""Shared inputs of the fault tests, and their marker: `soak` runs are long and skipped unless
UNMASK_SOAK=1 (`make soak`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from crash_support import make_inputs

CI_POSTS = 2_000  # per generated scenario: five files, about 11,000 records in all


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "soak: long fault runs, only with UNMASK_SOAK=1 (`make soak`)")


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Five input files (see crash_support.make_inputs), written once per session; read-only."""
    return make_inputs(tmp_path_factory.mktemp("inputs"), posts=CI_POSTS)
