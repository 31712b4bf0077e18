"""Shared bench helpers: run a command as a child process, time it and read its own peak memory."""

from __future__ import annotations

import json
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


def generated(folder: Path, posts: int, *synth_options: str) -> Path:
    """`unmask synth` into `folder` once; later runs reuse it (truth.csv is written last)."""
    if not (folder / "truth.csv").exists():
        made = run_measured(
            unmask("synth", "--out", str(folder), "--posts", str(posts), *synth_options, "--quiet")
        )
        print(f"synth {folder.name}: {made.seconds:.0f} s, peak {made.peak_mb:.0f} MB", flush=True)
    return folder


def timed_ingest(files: list[str], db: Path) -> tuple[int, float, float]:
    """(posts stored, seconds, peak RSS MB) of one `unmask ingest` of `files` into a fresh store."""
    db.unlink(missing_ok=True)
    measured = run_measured(unmask("ingest", *files, "--db", str(db), "--quiet"))
    stats = json.loads(run_measured(unmask("stats", "--db", str(db), "--json")).stdout)
    db.unlink(missing_ok=True)
    return sum(stats["posts"].values()), measured.seconds, measured.peak_mb
