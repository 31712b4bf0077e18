"""Fixtures for the watch: the planted scenario as time-ordered export files, and a webhook receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from watch_support import (
    CONFIG,
    PER_POST_ONLY,
    Webhook,
    build_full,
    build_stepwise,
    split_rows,
    write_io_archive,
)

from unmask.store import open_store
from unmask.synth.planted import build_planted


@pytest.fixture(scope="session")
def planted_rows(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """The planted scenario's posts as IO-archive rows, in time order."""
    with open_store(tmp_path_factory.mktemp("planted") / "planted.duckdb") as store:
        build_planted(store)
        return store.con.execute(
            """SELECT p.post_id, p.account_id, a.handle, strftime(a.created_at, '%Y-%m-%d'), a.followers,
                      p.lang, p.text, strftime(p.created_at, '%Y-%m-%d %H:%M'), p.reply_to_account_id
               FROM posts p JOIN accounts a USING (platform, account_id)
               ORDER BY p.created_at, p.post_id"""
        ).fetchall()


@pytest.fixture(scope="session")
def planted_parts(planted_rows: list[tuple], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The planted scenario in PARTS files, split by time (inputs: copy them before changing them)."""
    folder = tmp_path_factory.mktemp("parts")
    return [
        write_io_archive(folder / f"part{k}.csv", rows) for k, rows in enumerate(split_rows(planted_rows))
    ]


@pytest.fixture(scope="session")
def built(planted_parts: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """`built(how, signals)`: the planted parts' store after `detect` ("full") or after one watch step
    per part ("stepwise"), with "per_post" or "mixed" signals; built once. Copy it to change it."""
    folder = tmp_path_factory.mktemp("built")
    cache: dict[tuple[str, str], Path] = {}
    configs = {"per_post": PER_POST_ONLY, "mixed": CONFIG}

    def get(how: str, signals: str) -> Path:
        if (how, signals) not in cache:
            build = build_full if how == "full" else build_stepwise
            cache[how, signals] = build(folder / f"{how}-{signals}.duckdb", planted_parts, configs[signals])
        return cache[how, signals]

    return get


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    """A JSON receiver on 127.0.0.1 that records every POST body."""
    hook = Webhook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if hook.failures_left > 0:
                hook.failures_left -= 1
                self.send_response(500)
            else:
                hook.bodies.append(body)
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()
