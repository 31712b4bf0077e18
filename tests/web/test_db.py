"""Serving while `unmask detect` or `ingest` writes: short connections, retries, then 503 Retry-After."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from web_support import Planted, Session, make_settings

from unmask.errors import StoreError
from unmask.web import create_app
from unmask.web.db import StoreAccess, StoreBusyError

HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


@contextmanager
def writer_process(db: Path, seconds: float) -> Iterator[subprocess.Popen]:
    """Another process holding the store's write lock for `seconds` (as `unmask detect` would)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "locked"
        yield process
    finally:
        process.kill()
        process.wait()


def test_busy_store_gives_503_then_recovers(planted: Planted) -> None:
    app = create_app(make_settings(planted.path, lock_wait_seconds=0.3))
    viewer = Session(app, "viewer")
    with writer_process(planted.path, 30):
        started = time.monotonic()
        page = viewer.client.get("/")
        assert time.monotonic() - started >= 0.25  # it waited before giving up
        assert page.status_code == 503 and page.headers["retry-after"] == "5"
        assert "locked by another process" in page.text
        api = viewer.client.get("/api/campaigns")
        assert api.status_code == 503 and "locked" in api.json()["detail"]
    assert viewer.client.get("/").status_code == 200


def test_a_short_lock_is_waited_out(planted: Planted) -> None:
    access = StoreAccess(planted.path, wait_seconds=10)
    with writer_process(planted.path, 0.5):
        started = time.monotonic()
        with access.read() as store:
            assert store.con.execute("SELECT count(*) FROM campaigns").fetchone()[0] > 0
        assert time.monotonic() - started > 0.2


def test_no_wait_means_busy_at_once(planted: Planted) -> None:
    access = StoreAccess(planted.path, wait_seconds=0)
    with writer_process(planted.path, 30), pytest.raises(StoreBusyError), access.write():
        pass


def test_the_app_does_not_hold_the_file_between_requests(planted: Planted) -> None:
    """Between requests another process can take the write lock (detect can run while serving)."""
    app = create_app(make_settings(planted.path))
    viewer = Session(app, "viewer")
    assert viewer.client.get("/").status_code == 200
    with writer_process(planted.path, 0.1) as process:
        assert process.poll() is None


def test_concurrent_reads_and_writes_in_one_process(planted: Planted) -> None:
    access = StoreAccess(planted.path, wait_seconds=5)
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(10):
                with access.read() as store:
                    store.con.execute("SELECT count(*) FROM posts").fetchone()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    def writer(n: int) -> None:
        try:
            for i in range(5):
                with access.write() as store:
                    store.con.execute(
                        "INSERT INTO audit_log VALUES (now()::TIMESTAMP, ?, 'test.write', ?, '{}')",
                        [f"w{n}", str(i)],
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)] + [
        threading.Thread(target=writer, args=(n,)) for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with access.read() as store:
        assert (
            store.con.execute("SELECT count(*) FROM audit_log WHERE action = 'test.write'").fetchone()[0]
            == 10
        )


def test_a_failed_write_is_rolled_back(planted: Planted) -> None:
    access = StoreAccess(planted.path)
    with pytest.raises(ValueError), access.write() as store:
        store.con.execute("INSERT INTO audit_log VALUES (now()::TIMESTAMP, 'x', 'test.rollback', 'x', '{}')")
        raise ValueError("boom")
    with access.read() as store:
        assert (
            store.con.execute("SELECT count(*) FROM audit_log WHERE action = 'test.rollback'").fetchone()[0]
            == 0
        )


def test_missing_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        create_app(make_settings(tmp_path / "absent.duckdb"))
