"""`kill -9` of `unmask ingest` at many points of a five-file ingest never costs or doubles a post.

Each run of the real CLI on a real store file is killed after a time drawn (seeded) across the length
of an uninterrupted ingest of the same files; the next run is the re-run of the killed one. After
every kill the store must open and hold no post or reject twice and nothing the full ingest lacks;
whenever a run gets to finish, the store must equal the uninterrupted ingest's exactly (same posts
with the same values, accounts, rejects, ledger), and the next kills start again from an empty store.

Where the CLI offers `--chunk-records`, the killed runs commit every 1,000 records, so that kills
also land between the chunks of one file. The CI version makes 20 kills; `make soak` (UNMASK_SOAK=1)
makes 200 on larger files.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from crash_support import (
    Contents,
    assert_partial_of,
    assert_same_contents,
    assert_succeeded,
    ingest_chunk_option,
    make_inputs,
    read_contents,
    remove_store,
    run_cli,
)

SEED = 20231023
CI_KILLS, CI_CHUNK = 20, 1_000
SOAK_KILLS = int(os.environ.get("UNMASK_SOAK_KILLS", "200"))
SOAK_POSTS = int(os.environ.get("UNMASK_SOAK_POSTS", "20000"))
SOAK_CHUNK = 10_000


@dataclass
class Scenario:
    """Input files and what an uninterrupted ingest of them stores, and how long it takes."""

    args: list[str]  # `unmask ingest` arguments, without --db
    reference: Contents
    seconds: float
    startup_seconds: float  # the CLI's start-up alone: killing earlier tests nothing


@dataclass
class KillLog:
    kills: int = 0
    finished_runs: int = 0
    partial: list[int] = field(default_factory=list)  # posts present after each kill


def make_scenario(folder: Path, inputs: list[Path], *, chunk: int) -> Scenario:
    """The reference is an ingest with default settings; the killed runs commit in small chunks."""
    args = ["ingest", *map(str, inputs), "--quiet"]
    startup = run_cli(["ingest", "--help"])
    reference_db = folder / "reference.duckdb"
    full = run_cli([*args, "--db", str(reference_db)])
    assert_succeeded(full)
    reference = read_contents(reference_db)
    assert reference.rejects and len(reference.sources) == len(inputs)
    return Scenario([*args, *ingest_chunk_option(chunk)], reference, full.seconds, startup.seconds)


def kill_and_resume(scenario: Scenario, db: Path, *, kills: int, seed: int) -> KillLog:
    """Kill runs until `kills` were killed; check the store after each; finish with a complete run."""
    rng = random.Random(seed)
    args = [*scenario.args, "--db", str(db)]
    log = KillLog()
    remove_store(db)
    while log.kills < kills:
        assert log.finished_runs <= kills, f"most runs finished before their kill point: {log}"
        run = run_cli(args, kill_after=rng.uniform(0.5 * scenario.startup_seconds, scenario.seconds))
        if run.killed:
            log.kills += 1
            contents = read_contents(db)
            assert_partial_of(contents, scenario.reference)
            log.partial.append(len(contents.posts))
        else:
            assert_succeeded(run)
            assert_same_contents(read_contents(db), scenario.reference)
            log.finished_runs += 1
            remove_store(db)
    final = run_cli(args)
    assert_succeeded(final)
    assert_same_contents(read_contents(db), scenario.reference)
    return log


def _assert_kills_spread(log: KillLog, scenario: Scenario) -> None:
    """Some kills must land in the middle of the ingest, or the test proved nothing."""
    total = len(scenario.reference.posts)
    mid_ingest = [n for n in log.partial if 0 < n < total]
    assert len(mid_ingest) >= max(1, len(log.partial) // 5), f"posts present after each kill: {log.partial}"


@pytest.fixture(scope="module")
def ci_scenario(tmp_path_factory: pytest.TempPathFactory, inputs: list[Path]) -> Scenario:
    return make_scenario(tmp_path_factory.mktemp("crash-ingest"), inputs, chunk=CI_CHUNK)


def test_ingest_survives_kill_9_at_20_points(ci_scenario: Scenario, tmp_path: Path) -> None:
    log = kill_and_resume(ci_scenario, tmp_path / "store.duckdb", kills=CI_KILLS, seed=SEED)
    assert log.kills == CI_KILLS
    _assert_kills_spread(log, ci_scenario)


@pytest.mark.soak
@pytest.mark.skipif(os.environ.get("UNMASK_SOAK") != "1", reason="long kill-point run: `make soak`")
def test_ingest_survives_kill_9_soak(tmp_path: Path) -> None:
    scenario = make_scenario(tmp_path, make_inputs(tmp_path, posts=SOAK_POSTS), chunk=SOAK_CHUNK)
    log = kill_and_resume(scenario, tmp_path / "store.duckdb", kills=SOAK_KILLS, seed=SEED + 1)
    assert log.kills == SOAK_KILLS
    _assert_kills_spread(log, scenario)
    print(
        f"\nsoak: {log.kills} kills, {log.finished_runs} runs finished before their kill point; "
        f"uninterrupted ingest {scenario.seconds:.1f} s, {len(scenario.reference.posts)} posts"
    )
