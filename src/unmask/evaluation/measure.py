"""Running unmask's own commands as child processes: wall time and the child's peak memory.

Each step runs as the user would run it (`unmask ingest`, `unmask detect`), in its own process, so
its peak RSS (from wait4) is its own and not the evaluation's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from unmask.errors import UnmaskError


class StepFailed(UnmaskError):
    """A measured command exited with an error."""


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    stdout: str


def unmask_command(*args: str) -> list[str]:
    """The `unmask` console script of the running interpreter's environment."""
    return [str(Path(sys.executable).parent / "unmask"), *args]


def run_measured(args: list[str]) -> Measured:
    """Run a command to completion; raise StepFailed with its error output when it fails."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise StepFailed(f"{' '.join(args)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return Measured(seconds, usage.ru_maxrss / 1024, stdout)
