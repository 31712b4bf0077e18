"""`kill -9` of `unmask detect`, a full disk under it, and kills inside a web incident save: a reader
of the store finds the previous complete result or the new complete one, never part of a run.

`unmask detect` computes in temporary tables and writes its results in one transaction at the end,
so most kill points are drawn near the end of a run (seeded), where that transaction is.
"""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from crash_support import (
    assert_clean_failure,
    assert_succeeded,
    copy_store,
    read_results,
    run_cli,
)
from test_full_disk import LIMIT_BYTES, file_size_limit

from unmask.store import open_store
from unmask.synth.planted import build_planted
from unmask.web.incidents import load_incident

SEED = 20230823
KILL_FRACTIONS = [(0.3, 0.7), (0.85, 1.0), (0.95, 1.1)]  # of a complete run's time


@dataclass
class Detected:
    """A store after a complete detection run, with one more file ingested since."""

    path: Path
    previous: dict[str, list[tuple]]  # the complete run a reader must find until a new one commits
    campaign_id: str
    seconds: float  # of the complete run


@pytest.fixture(scope="module")
def detected(tmp_path_factory: pytest.TempPathFactory, inputs: list[Path]) -> Detected:
    """The planted scenario (the smallest that holds campaigns), detected, then one more file ingested."""
    db = tmp_path_factory.mktemp("detect") / "template.duckdb"
    with open_store(db) as store:
        build_planted(store)
    run = run_cli(["detect", "--db", str(db), "--quiet"])
    assert_succeeded(run)
    previous = read_results(db)
    assert previous["campaigns"], "the planted scenario should hold a campaign"
    assert_succeeded(run_cli(["ingest", str(inputs[2]), "--db", str(db), "--quiet"]))
    return Detected(db, previous, previous["campaigns"][0][0], run.seconds)


def test_detect_killed_leaves_previous_or_new_run(detected: Detected, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    copy_store(detected.path, db)
    rng = random.Random(SEED)
    seen = []
    for low, high in KILL_FRACTIONS:
        run = run_cli(
            ["detect", "--db", str(db), "--quiet"], kill_after=rng.uniform(low, high) * detected.seconds
        )
        if not run.killed:
            assert_succeeded(run)
        seen.append((run.killed, read_results(db)))
    assert any(killed for killed, _ in seen), "no run was killed: the kill points are too late"
    assert_succeeded(run_cli(["detect", "--db", str(db), "--quiet"]))
    new = read_results(db)
    assert new["detect_runs"] != detected.previous["detect_runs"]  # the new file is counted
    for killed, results in seen:
        assert results in (detected.previous, new), f"a reader saw part of a run (killed: {killed})"


def test_detect_on_a_full_disk_keeps_previous_run(detected: Detected, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    copy_store(detected.path, db)
    failed = run_cli(["detect", "--db", str(db), "--quiet"], preexec_fn=file_size_limit(LIMIT_BYTES))
    assert_clean_failure(failed, "file too large")
    assert read_results(db) == detected.previous
    assert_succeeded(run_cli(["stats", "--db", str(db)]))


# A web app's save (StoreAccess.write + save_incident), in a child process that SIGKILLs itself at
# the point named by argv[3]: inside the transaction (at its last write, the audit row), or after the
# COMMIT while its connection is still open (nothing checkpointed yet).
SAVE_AND_DIE = """
import os, signal, sys
from pathlib import Path
import unmask.web.incidents as incidents
from unmask.store import Store
from unmask.web.db import StoreAccess

db, campaign, point = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
access = StoreAccess(db)
with access.read() as store:
    current = incidents.load_incident(store, campaign)
edited = current.incident
edited.summary = "saved by a process killed at " + point

def die(*_args):
    os.kill(os.getpid(), signal.SIGKILL)

if point == "before-commit":
    incidents.audit = die
else:
    Store.close = die
with access.write() as store:
    incidents.save_incident(store, campaign, edited, edited_from=current.revision, user="analyst")
"""


@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_incident_save_killed(detected: Detected, tmp_path: Path, point: str) -> None:
    db = tmp_path / "store.duckdb"
    copy_store(detected.path, db)
    with open_store(db, read_only=True) as store:
        before = load_incident(store, detected.campaign_id)
    child = subprocess.run(
        [sys.executable, "-c", SAVE_AND_DIE, str(db), detected.campaign_id, point],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -9, f"the child did not reach its kill point:\n{child.stderr[-3000:]}"
    with open_store(db, read_only=True) as store:
        after = load_incident(store, detected.campaign_id)
        audited = store.con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'incident.save' AND target = ?",
            [detected.campaign_id],
        ).fetchone()[0]
    if point == "before-commit":
        assert after.revision == before.revision and after.incident.summary == before.incident.summary
        assert audited == 0
    else:
        assert after.revision != before.revision and after.updated_by == "analyst"
        assert after.incident.summary == f"saved by a process killed at {point}"
        assert audited == 1
