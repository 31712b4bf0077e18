"""Helpers for the fault tests: run the real CLI as a child process, kill it with SIGKILL at a chosen
moment, make input files with records that must be rejected, and compare what two stores hold.

The tests talk to unmask only through its command line (as a user would), so they check whatever the
ingest and detect implementations are at the time, not one design of them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from unmask.store.schema import RESULT_TABLES
from unmask.synth import generate

UNMASK = str(Path(sys.executable).parent / "unmask")


@dataclass
class Run:
    """How one child process ended: killed by us, or exited with a code and its stderr."""

    killed: bool
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run_cli(
    args: list[str], *, kill_after: float | None = None, preexec_fn: Callable[[], None] | None = None
) -> Run:
    """Run `unmask ARGS`; with `kill_after`, SIGKILL its process group once that many seconds pass."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [UNMASK, *args],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
            preexec_fn=preexec_fn,
        )
        killed = False
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            killed = True
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Run(killed, proc.returncode, out.read(), err.read(), seconds)


def ingest_chunk_option(records: int) -> list[str]:
    """`--chunk-records N` where the CLI offers it, so that kills land between chunks of one file too."""
    run = run_cli(["ingest", "--help"])
    return ["--chunk-records", str(records)] if "--chunk-records" in run.stdout else []


def assert_clean_failure(run: Run, *words: str) -> str:
    """A failed command: exit code 2 and one `error:` line naming the problem, never a traceback."""
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode == 2, f"exit {run.returncode}, stderr:\n{run.stderr[-3000:]}"
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr[-3000:]
    for word in words:
        assert word.lower() in lines[0].lower(), f"{word!r} not in {lines[0]!r}"
    return lines[0]


def assert_succeeded(run: Run) -> None:
    assert not run.killed and run.returncode == 0, f"exit {run.returncode}:\n{run.stderr[-3000:]}"
    assert "Traceback" not in run.stderr, run.stderr[-3000:]


def remove_store(db: Path) -> None:
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)


def copy_store(source: Path, target: Path) -> None:
    """Copy a closed store with its write-ahead log, if one was left behind."""
    remove_store(target)
    for suffix in ("", ".wal"):
        src = source.with_name(source.name + suffix)
        if src.exists():
            target.with_name(target.name + suffix).write_bytes(src.read_bytes())


# -- inputs -------------------------------------------------------------------------------------------

QUT_BAD_ROWS = (
    b'"9990000000000000001","77","badclock",,,"a post with an unreadable time",yesterday,""\n',
    b',"77","noid",,,"a post without an id",1642841804,""\n',
    b'"9990000000000000002","77","short"\n',
    b'"9990000000000000003","77","bytes",,,"invalid \xff\xfe utf-8",1642841804,""\n',
)
JSONL_BAD_LINES = (
    b'{"data": [{"id": "9990000000000000011", "text": "no author, no time"}]}\n',
    b"this line is not JSON at all\n",
    b'{"data": [{"id": "9990000000000000012", "author_id": "77", "created_at": "not a time"}]}\n',
)


def _with_bad_lines(source: Path, target: Path, bad: tuple[bytes, ...], every: int) -> None:
    """Copy `source` with one of `bad` inserted after every `every` lines (the header stays first)."""
    with source.open("rb") as src, target.open("wb") as out:
        for n, line in enumerate(src):
            out.write(line)
            if n and n % every == 0:
                out.write(bad[(n // every) % len(bad)])


def make_inputs(folder: Path, *, posts: int) -> list[Path]:
    """Five files of three generated scenarios in three layouts, two of them with rejects planted.

    Scenario a appears twice (X API and IO archive: the same posts, so the second file adds accounts'
    details but no posts); b's QUT CSV and a's X API file carry malformed, incomplete and undecodable
    records that must land in `rejects` exactly once.
    """
    scenarios = {name: folder / name for name in ("a", "b", "c")}
    for seed, path in enumerate(scenarios.values(), start=31):
        generate(path, posts=posts, seed=seed)
    inputs = [folder / "1-a-x_api_v2.jsonl", folder / "2-a-io_archive.csv", folder / "3-b-qut.csv"]
    _with_bad_lines(scenarios["a"] / "x_api_v2.jsonl", inputs[0], JSONL_BAD_LINES, every=7)
    inputs[1].write_bytes((scenarios["a"] / "io_archive.csv").read_bytes())
    _with_bad_lines(scenarios["b"] / "qut.csv", inputs[2], QUT_BAD_ROWS, every=97)
    for path, name, layout in (
        (folder / "4-b-x_api_v2.jsonl", "b", "x_api_v2.jsonl"),
        (folder / "5-c-io_archive.csv", "c", "io_archive.csv"),
    ):
        path.write_bytes((scenarios[name] / layout).read_bytes())
        inputs.append(path)
    return inputs


# -- what a store holds -------------------------------------------------------------------------------


@dataclass
class Contents:
    """Everything an ingest is answerable for, in a form two stores can be compared by."""

    posts: list[tuple]  # every column, sorted by key
    accounts: list[tuple]
    rejects: Counter  # (source_file, record_no, field, reason, raw, detail) -> times stored
    sources: set[tuple[str, str]]  # (path, sha256)

    @property
    def post_keys(self) -> list[tuple[str, str]]:
        return [row[:2] for row in self.posts]


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple]:
    """Rows with list cells sorted: a merge unites lists as sets, their order carries no meaning."""
    return [
        tuple(tuple(sorted(v, key=str)) if isinstance(v, list) else v for v in row)
        for row in con.execute(query).fetchall()
    ]


def read_contents(db: Path) -> Contents:
    """Open the store read-only (as any reader would after a crash) and read what it holds."""
    if not db.exists():  # killed before the store was created
        return Contents([], [], Counter(), set())
    with duckdb.connect(str(db), read_only=True) as con:
        tables = _tables(con)
        if "posts" not in tables:  # killed before the schema was committed
            return Contents([], [], Counter(), set())
        posts = _rows(con, "SELECT * FROM posts ORDER BY platform, post_id")
        accounts = _rows(con, "SELECT * FROM accounts ORDER BY platform, account_id")
        rejects = Counter(
            con.execute("SELECT source_file, record_no, field, reason, raw, detail FROM rejects").fetchall()
        )
        sources = set(con.execute("SELECT path, sha256 FROM sources").fetchall())
    return Contents(posts, accounts, rejects, sources)


def _sample(items: object) -> str:
    return repr(sorted(items)[:5])  # type: ignore[call-overload]


def assert_partial_of(got: Contents, reference: Contents) -> None:
    """A store caught mid-ingest: no post twice, nothing the full ingest would not hold, no reject twice."""
    keys = got.post_keys
    duplicated = [k for k, n in Counter(keys).items() if n > 1]
    assert not duplicated, f"{len(duplicated)} post(s) stored twice, e.g. {_sample(duplicated)}"
    extra = set(keys) - set(reference.post_keys)
    assert not extra, f"{len(extra)} post(s) the uninterrupted ingest does not hold, e.g. {_sample(extra)}"
    too_many = got.rejects - reference.rejects
    assert not too_many, (
        f"{sum(too_many.values())} reject(s) stored more often than once: {_sample(too_many)}"
    )
    assert got.sources <= reference.sources


def assert_same_contents(got: Contents, reference: Contents) -> None:
    """Every post, account, reject and ledger row of the uninterrupted ingest, each exactly once."""
    assert_partial_of(got, reference)
    missing = set(reference.post_keys) - set(got.post_keys)
    assert not missing, f"{len(missing)} post(s) missing, e.g. {_sample(missing)}"
    assert len(got.posts) == len(reference.posts)
    differing = [a[:2] for a, b in zip(got.posts, reference.posts, strict=True) if a != b]
    assert not differing, f"{len(differing)} post(s) differ from the uninterrupted ingest: {differing[:5]}"
    assert got.accounts == reference.accounts, "accounts differ from the uninterrupted ingest"
    assert got.rejects == reference.rejects, (
        f"rejects missing: {_sample(reference.rejects - got.rejects)}; "
        f"extra: {_sample(got.rejects - reference.rejects)}"
    )
    assert got.sources == reference.sources


def _stable(value: object) -> object:
    """Floats to 9 significant digits: sums over threads may differ in the last bits between runs."""
    return float(f"{value:.9g}") if isinstance(value, float) else value


def read_results(db: Path) -> dict[str, list[tuple]]:
    """Every detection result table as a reader sees it, without the run's clock times."""
    with duckdb.connect(str(db), read_only=True) as con:
        results = {
            table: sorted(
                (tuple(_stable(v) for v in row) for row in con.execute(f"SELECT * FROM {table}").fetchall()),
                key=repr,
            )
            for table in RESULT_TABLES
            if table != "detect_runs"
        }
        results["detect_runs"] = con.execute(
            "SELECT run_id, engine, posts, accounts, params FROM detect_runs"
        ).fetchall()
    return results
