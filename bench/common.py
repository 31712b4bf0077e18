"""Shared bench helpers: run a command as a child process, time it and read its own peak memory."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from unmask.evaluation.measure import Measured, run_measured
from unmask.evaluation.measure import unmask_command as unmask

__all__ = ["Measured", "run_measured", "unmask"]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = platform.python_version()
    return f"{platform.machine()}, {os.cpu_count()} cores, {mem_gb:.0f} GiB RAM, Python {python}"


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")
