"""Shared bench helpers: run a command as a child process, time it and read its own peak memory."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    stdout: str


def run_measured(args: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Measured:
    """Run one command to completion; wall time and the child's peak RSS (wait4 rusage)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, text=True, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return Measured(seconds, usage.ru_maxrss / 1024, stdout)


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = platform.python_version()
    return f"{platform.machine()}, {os.cpu_count()} cores, {mem_gb:.0f} GiB RAM, Python {python}"


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def unmask(*args: str) -> list[str]:
    return [str(BIN / "unmask"), *args]
