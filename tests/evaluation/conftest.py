"""Golden files for the evaluation page: regenerate with `UNMASK_UPDATE_GOLDEN=1 pytest tests/evaluation`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).with_name("golden")


@pytest.fixture
def golden():
    """Compare text with golden/<name>; rewrite it instead when UNMASK_UPDATE_GOLDEN=1."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UNMASK_UPDATE_GOLDEN") == "1":
            path.write_text(text, encoding="utf-8", newline="")
            return
        assert path.is_file(), f"no golden file {path}: run with UNMASK_UPDATE_GOLDEN=1 to create it"
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs from its golden file; if intended, regenerate with UNMASK_UPDATE_GOLDEN=1"
        )

    return check
