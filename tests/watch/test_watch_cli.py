"""`unmask watch` as a real process: files dropped in while it runs, alerts, a crash and a restart.

One scenario, in order, because each stage builds on the last: the planted campaign arrives in four
time slices; the first is written slowly under its final name (it must not be read half), the second
under a temporary name then renamed; the process is killed (-9) and restarted; the last two arrive.
The final store must then hold what `unmask detect` computes on the same posts, as far as
unmask.watch.incremental says it should.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner
from watch_support import (
    PER_POST_ONLY,
    SIGNALS,
    Webhook,
    count_records,
    evidence,
    features,
    flagged,
    rows,
    signal_edges,
)

from unmask.cli import app
from unmask.store import open_store
from unmask.watch.files import ReadyFiles
from unmask.watch.loop import WatchConfig, cycle

HOLD_STORE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
"""
INTERVAL = 1.0  # seconds; the slow writer below pauses 0.1 s, far below it even on a loaded machine
TIMEOUT = 60.0


class Watcher:
    """One `unmask watch` process, its log in a file."""

    def __init__(self, inbox: Path, db: Path, url: str, log: Path) -> None:
        self.log = log
        command = [
            sys.executable,
            "-c",
            "from unmask.cli import app; app()",
            "watch",
            str(inbox),
            "--db",
            str(db),
            "--webhook",
            url,
            "--interval",
            str(INTERVAL),
            "--signals",
            ",".join(SIGNALS),
        ]
        with log.open("w") as sink:
            self.process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_for(self, what: str, *, count: int = 1) -> None:
        deadline = time.monotonic() + TIMEOUT
        while self.text().count(what) < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"waited for {count} x {what!r}; log:\n{self.text()}")
            time.sleep(0.1)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=TIMEOUT)


def _drop(source: Path, inbox: Path) -> None:
    """Deliver a file the safe way: write under a temporary name, rename into place."""
    temporary = inbox / f"{source.name}.part"
    shutil.copy(source, temporary)
    temporary.rename(inbox / source.name)


def _write_slowly(source: Path, target: Path, pieces: int = 6) -> None:
    data = source.read_bytes()
    with target.open("wb") as handle:
        for k in range(pieces):
            handle.write(data[k * len(data) // pieces : (k + 1) * len(data) // pieces])
            handle.flush()
            time.sleep(0.1)


def test_watch_takes_files_alerts_and_resumes_after_a_crash(
    planted_parts: list[Path], tmp_path: Path, webhook: Webhook, built: Callable[[str, str], Path]
) -> None:
    inbox, db = tmp_path / "inbox", tmp_path / "watch.duckdb"
    inbox.mkdir()
    first = Watcher(inbox, db, webhook.url, tmp_path / "first.log")
    first.wait_for("watching")

    # A file written slowly under its final name is taken once, whole.
    _write_slowly(planted_parts[0], inbox / "part0.csv")
    first.wait_for("took part0.csv")
    assert f"took part0.csv: {count_records(planted_parts[0])} new posts" in first.text()
    assert first.text().count("took part0.csv") == 1
    first.wait_for("ALERT campaign_appeared")
    first.wait_for("step 1: scored")

    # A file under a temporary name is left alone, however long it sits there, until renamed.
    shutil.copy(planted_parts[1], inbox / "part1.csv.part")
    time.sleep(2.5 * INTERVAL)
    assert "part1" not in first.text()
    (inbox / "part1.csv.part").rename(inbox / "part1.csv")
    first.wait_for("step 2: scored")

    first.process.kill()
    first.process.wait(timeout=TIMEOUT)
    # Same size, same modification time, other bytes: a restarted watch that read part0.csv again
    # would fail on it or ingest it anew.
    stat = (inbox / "part0.csv").stat()
    (inbox / "part0.csv").write_bytes(b"\0" * stat.st_size)
    os.utime(inbox / "part0.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns))

    second = Watcher(inbox, db, webhook.url, tmp_path / "second.log")
    second.wait_for("watching")
    for number, part in enumerate(planted_parts[2:], start=3):  # steps go on from where they stopped
        _drop(part, inbox)
        second.wait_for(f"step {number}: scored")
    assert second.stop() == 0
    assert "stopped" in second.text()
    assert "part0" not in second.text() and "part1" not in second.text()
    assert "baseline" not in second.text() and "could not" not in second.text()

    with open_store(db, read_only=True) as store:
        taken = rows(store, "SELECT path, outcome FROM watch_files")
        assert taken == {(str(inbox / p.name), "ingested") for p in planted_parts}
        assert store.con.execute("SELECT step FROM watch_state").fetchone()[0] == len(planted_parts)
        posts = store.con.execute("SELECT count(*) FROM posts").fetchone()[0]
        assert posts == sum(map(count_records, planted_parts))
        alerts = store.con.execute("SELECT alert_id, kind, delivered_at FROM alerts").fetchall()
        assert {kind for _id, kind, _at in alerts} >= {"campaign_appeared", "new_target"}
        assert all(at is not None for _id, _kind, at in alerts)
        assert {b["alert_id"] for b in webhook.bodies} == {alert_id for alert_id, _k, _at in alerts}
        assert (first.text() + second.text()).count("ALERT ") == len(alerts)
        assert all(b["campaign_id"] and b["message"] for b in webhook.bodies)

        # Restart or not, the per-post signals hold exactly what a full run computes on all files;
        # near_duplicate (window-local) pairs the same accounts here, with other weights.
        with open_store(built("full", "mixed"), read_only=True) as full:
            assert signal_edges(store, PER_POST_ONLY.signals) == signal_edges(full, PER_POST_ONLY.signals)
            assert evidence(store, PER_POST_ONLY.signals) == evidence(full, PER_POST_ONLY.signals)
            assert features(store) == features(full)
            pairs = "SELECT a, b, actions, first_ts FROM signal_edges WHERE signal = 'near_duplicate'"
            assert rows(store, pairs) == rows(full, pairs)
            assert flagged(store) == flagged(full)


def test_once_takes_what_is_ready_and_exits(planted_parts: list[Path], tmp_path: Path) -> None:
    inbox, db = tmp_path / "inbox", tmp_path / "once.duckdb"
    inbox.mkdir()
    shutil.copy(planted_parts[0], inbox / "part0.csv")
    shutil.copy(planted_parts[1], inbox / "part1.csv.tmp")  # still being written: left for later
    options = ["--once", "--interval", "0.2", "--signals", ",".join(SIGNALS)]
    result = CliRunner().invoke(app, ["watch", str(inbox), "--db", str(db), *options])
    assert result.exit_code == 0, result.output
    with open_store(db, read_only=True) as store:
        assert rows(store, "SELECT path FROM watch_files") == {(str(inbox / "part0.csv"),)}
        assert store.con.execute("SELECT step FROM watch_state").fetchone()[0] == 1
        campaigns = rows(store, "SELECT campaign_id FROM campaigns")
        announced = rows(store, "SELECT campaign_id FROM alerts WHERE kind = 'campaign_appeared'")
        assert campaigns and announced == campaigns


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--signals", "co_post,no_such_signal", "unknown signal"),
        ("--webhook", "file:///etc/passwd", "webhook"),
        ("--interval", "0", "--interval"),
    ],
)
def test_bad_options_are_refused(tmp_path: Path, option: str, value: str, message: str) -> None:
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(app, ["watch", str(tmp_path), "--db", str(db), option, value])
    assert result.exit_code == 2 and message in result.output
    assert not db.exists()


def test_a_store_held_by_another_process_is_waited_for(
    planted_parts: list[Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inbox, db = tmp_path / "inbox", tmp_path / "held.duckdb"
    inbox.mkdir()
    shutil.copy(planted_parts[0], inbox / "part0.csv")
    config = WatchConfig(detect=PER_POST_ONLY, interval=0.01)
    files = ReadyFiles(0.0)
    files.poll(inbox)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, str(db)], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with caplog.at_level(logging.WARNING, logger="unmask.watch"):
            assert cycle(inbox, db, files, config) is None
        assert "store busy" in caplog.text
    finally:
        holder.communicate("release\n", timeout=TIMEOUT)
    step = cycle(inbox, db, files, config)
    assert step is not None and step.posts == count_records(planted_parts[0])
