"""Reads kept per data version (web/db.py, web/cache.py, web/reads.py, web/page_parts.py, web/sessions.py).

What is kept must never be stale or cross users: a write by another process (an ingest, a detection
run, `unmask user`) is seen on the next request, a page differs between users only in its per-request
layout, and every cache is bounded. What is kept must also pay: once the store's files have settled,
the five read paths and the session look-up are served without opening the store, even while another
process holds its write lock.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jinja2
import pytest
from fastapi import FastAPI
from starlette.requests import Request
from test_db import writer_process
from web_support import Planted, Session, make_settings

from unmask.store import Store
from unmask.web import create_app, reads, sessions
from unmask.web.cache import MISSING, ResultCache
from unmask.web.db import StoreAccess
from unmask.web.deps import SESSION_COOKIE
from unmask.web.page_parts import PageParts, page_parts
from unmask.web.queries import CampaignFilter, search
from unmask.web.routes import accounts, campaigns
from unmask.web.templating import Renderer, make_environment

SETTLE = 0.05  # seconds a state must be old to be trusted; the app's default is 2 s


def _settle() -> None:
    time.sleep(3 * SETTLE)


@pytest.fixture
def app(planted: Planted) -> FastAPI:
    app = create_app(make_settings(planted.path))
    app.state.unmask.access.settle_seconds = SETTLE
    return app


def _read_paths(planted: Planted) -> dict[str, str]:
    return {
        "campaign list": "/",
        "campaign page": f"/campaigns/{planted.campaign_id}",
        "account page": f"/accounts/{planted.hostile_acct}",
        "search": "/search?q=pwned",
        "graph API": f"/api/campaigns/{planted.campaign_id}/graph",
        "campaigns API": "/api/campaigns",
        "account API": f"/api/accounts/{planted.hostile_acct}",
        "search API": "/api/search?q=pwned",
    }


def _kept(session: Session, paths: dict[str, str]) -> dict[str, bytes]:
    """Ask for every path, let the store's files settle, and ask once more so that a read trusts them."""
    bodies = {name: session.client.get(path).content for name, path in paths.items()}
    _settle()
    assert session.client.get(paths["campaign list"]).status_code == 200
    return bodies


@pytest.fixture
def store_closed(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to make any further opening of the store fail the test."""

    def refuse(*_args: Any, **_kwargs: Any) -> Store:
        raise AssertionError("the store was opened")

    return lambda: monkeypatch.setattr(StoreAccess, "_connect", refuse)


def _in_another_process(db: Path, *statements: str) -> None:
    """Run SQL statements in a separate process, as `unmask ingest`, `detect` or `user` would write."""
    script = "import sys, duckdb\ncon = duckdb.connect(sys.argv[1])\nfor s in sys.argv[2:]: con.execute(s)\n"
    subprocess.run([sys.executable, "-c", script, str(db), *statements], check=True, timeout=60)


def test_kept_reads_are_served_without_opening_the_store(
    app: FastAPI, planted: Planted, store_closed: Callable[[], None]
) -> None:
    viewer = Session(app, "viewer")
    paths = _read_paths(planted)
    before = _kept(viewer, paths)
    store_closed()
    for name, path in paths.items():
        response = viewer.client.get(path)
        assert response.status_code == 200, name
        assert response.content == before[name], name


def test_kept_pages_are_served_while_another_process_holds_the_store(app: FastAPI, planted: Planted) -> None:
    viewer = Session(app, "viewer")
    paths = _read_paths(planted)
    before = _kept(viewer, paths)
    with writer_process(planted.path, 30):
        app.state.unmask.access.wait_seconds = 0.2
        assert viewer.client.get(paths["campaign page"]).content == before["campaign page"]
        assert viewer.client.get(paths["graph API"]).content == before["graph API"]
        assert viewer.client.get("/search?q=not-asked-before").status_code == 503  # must read: busy
    assert viewer.client.get("/search?q=not-asked-before").status_code == 200


def test_an_ingest_in_another_process_is_seen_at_once(app: FastAPI, planted: Planted) -> None:
    viewer = Session(app, "viewer")
    platform, account_id = planted.hostile_acct.split(":", 1)
    page = "/search?q=freshly-ingested"
    _kept(viewer, {"campaign list": "/", "search": page, "search API": "/api/search?q=freshly-ingested"})
    assert viewer.client.get("/api/search?q=freshly-ingested").json()["posts"] == []
    assert 'Posts <span class="count">0</span>' in viewer.client.get(page).text
    _in_another_process(
        planted.path,
        "INSERT INTO posts (platform, post_id, account_id, created_at, text, lang) VALUES "
        f"('{platform}', 'fresh1', '{account_id}', TIMESTAMP '2023-10-01 12:00', 'freshly-ingested', 'en')",
    )
    found = viewer.client.get("/api/search?q=freshly-ingested").json()["posts"]
    assert [post["post"] for post in found] == ["fresh1"]
    assert 'Posts <span class="count">1</span>' in viewer.client.get(page).text


def test_a_detection_run_in_another_process_is_seen_at_once(app: FastAPI, planted: Planted) -> None:
    viewer = Session(app, "viewer")
    paths = _read_paths(planted)
    _kept(viewer, paths)
    _in_another_process(
        planted.path,
        f"UPDATE campaigns SET score = 0.123 WHERE campaign_id = '{planted.campaign_id}'",
        "UPDATE campaign_accounts SET score = 0.987654",
        "UPDATE detect_runs SET finished_at = finished_at + INTERVAL 1 SECOND",
    )
    scores = {row["campaign_id"]: row["score"] for row in viewer.client.get("/api/campaigns").json()}
    assert scores[planted.campaign_id] == 0.123
    assert "0.12" in viewer.client.get("/").text
    nodes = viewer.client.get(paths["graph API"]).json()["nodes"]
    assert nodes and {node["score"] for node in nodes} == {0.9877}


def test_a_write_that_keeps_the_data_keeps_the_pages(
    app: FastAPI, planted: Planted, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log-in writes to the store (its session) but changes no data: the list is not built again."""
    built: list[CampaignFilter] = []
    plain = campaigns.campaign_list
    monkeypatch.setattr(campaigns, "campaign_list", lambda store, flt: built.append(flt) or plain(store, flt))
    viewer = Session(app, "viewer")
    _kept(viewer, {"campaign list": "/"})
    assert len(built) == 1
    admin = Session(app, "admin")
    assert admin.client.get("/").status_code == 200 and viewer.client.get("/").status_code == 200
    assert len(built) == 1


def _main(page: str) -> str:
    return page[page.index('<main class="page">') :]


def test_users_share_a_kept_page_but_not_its_layout(app: FastAPI, planted: Planted) -> None:
    viewer, admin = Session(app, "viewer"), Session(app, "admin")
    path = f"/campaigns/{planted.campaign_id}"
    seen = {session.user: session.client.get(path).text for session in (viewer, admin)}
    assert _main(seen["viewer"]) == _main(seen["admin"])  # one kept body ...
    assert 'href="/admin/users"' in seen["admin"] and 'href="/admin/users"' not in seen["viewer"]
    for session, other in ((viewer, admin), (admin, viewer)):  # ... in each user's own layout
        page = seen[session.user]
        assert f'<meta name="csrf-token" content="{session.csrf}">' in page
        assert other.csrf not in page and f"{session.user} <span class" in page


def _request(path: str, user: Any) -> Request:
    request = Request({"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""})
    request.state.session = user
    return request


PAGES: dict[str, Callable[[Store, Planted], dict[str, Any]]] = {
    "campaigns.html": lambda store, _p: campaigns.list_context(store, CampaignFilter()),
    "campaign.html": lambda store, p: campaigns.campaign_context(store, p.campaign_id),
    "account.html": lambda store, p: accounts.account_context(store, p.hostile_acct),
    "search.html": lambda store, _p: {"q": "pwned", "results": search(store, "pwned"), "message": ""},
}


@pytest.mark.parametrize("template", list(PAGES))
def test_a_kept_page_is_the_page_rendered_whole(
    template: str, shared_app: FastAPI, shared_planted: Planted
) -> None:
    renderer = Renderer()
    with shared_app.state.unmask.access.read() as store:
        context = PAGES[template](store, shared_planted)
    parts = page_parts.render(template, context)
    for name in ("viewer", "admin"):
        session = Session(shared_app, name)
        user = sessions.kept_session(shared_app.state.unmask.access, session.client.cookies[SESSION_COOKIE])
        request = _request("/some/page", user)
        whole = renderer.page(request, template, context).body
        assert page_parts.page(renderer, request, parts).body == whole
        assert user.csrf_token.encode() in whole and user.name.encode() in whole


@pytest.mark.parametrize("name", ["user", "csrf_token", "request_path"])
def test_kept_blocks_cannot_use_the_user(name: str) -> None:
    env = make_environment()
    probe = '{% extends "base.html" %}{% block content %}{{ ' + name + " }}{% endblock %}"
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"probe.html": probe}), env.loader])
    with pytest.raises(jinja2.UndefinedError):
        PageParts(env).render("probe.html", {})


def test_a_session_changed_by_another_process_applies_at_once(
    app: FastAPI, planted: Planted, store_closed: Callable[[], None]
) -> None:
    viewer, analyst = Session(app, "viewer"), Session(app, "analyst")
    _kept(viewer, {"campaign list": "/"})
    _in_another_process(planted.path, "UPDATE users SET disabled = TRUE WHERE name = 'viewer'")
    assert viewer.client.get("/").status_code == 303  # back to the log-in page
    assert analyst.client.get("/").status_code == 200
    _settle()
    for _round in range(2):  # the first round reads the settled store, the second reads nothing
        assert analyst.client.get("/").status_code == 200
        assert viewer.client.get("/").status_code == 303
        store_closed()


def test_a_kept_session_still_expires(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    viewer = Session(app, "viewer")
    _kept(viewer, {"campaign list": "/"})
    later = sessions.utcnow() + app.state.unmask.settings.session_ttl + timedelta(minutes=1)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    assert viewer.client.get("/").status_code == 303


def test_the_page_cache_is_bounded(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reads, "PAGES", ResultCache(max_items=1000))
    viewer = Session(app, "viewer")
    assert viewer.client.get("/search?q=query-0").status_code == 200
    reads.PAGES.max_bytes = 3 * reads.PAGES.nbytes + 100  # room for three such pages
    for i in range(1, 12):
        assert viewer.client.get(f"/search?q=query-{i}").status_code == 200
        assert reads.PAGES.nbytes <= reads.PAGES.max_bytes
    assert len(reads.PAGES) == 3


@pytest.fixture
def counted(planted: Planted, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[StoreAccess, list[int]]]:
    """A StoreAccess that counts how often it opens the store."""
    opened: list[int] = []
    plain = StoreAccess._connect

    def counting(self: StoreAccess, *, read_only: bool) -> Store:
        opened.append(1)
        return plain(self, read_only=read_only)

    monkeypatch.setattr(StoreAccess, "_connect", counting)
    yield StoreAccess(planted.path, settle_seconds=SETTLE), opened


def _count(store: Store) -> int:
    return store.con.execute("SELECT count(*) FROM posts").fetchone()[0]


def test_only_a_settled_state_is_trusted(counted: tuple[StoreAccess, list[int]]) -> None:
    access, opened = counted
    cache = ResultCache(8)
    assert access.known() is None
    posts = access.cached(cache, ("posts",), _count)
    access.settle_seconds = 3600  # a state seen while its files were this fresh is not trusted ...
    access._seen = access._trusted = None
    assert access.cached(cache, ("posts",), _count) == posts and access.known() is None
    assert len(opened) == 2
    access.settle_seconds = SETTLE  # ... one seen once they had settled is
    _settle()
    assert access.cached(cache, ("posts",), _count) == posts and access.known() is not None
    assert access.cached(cache, ("posts",), _count) == posts and len(opened) == 3


def test_a_write_by_this_process_is_not_missed(counted: tuple[StoreAccess, list[int]]) -> None:
    access, _opened = counted
    _settle()
    with access.read() as store:
        access._see(store)
    assert access.known() is not None
    with access.write():
        pass  # a transaction that may have changed anything, within a file time tick
    assert access.known() is None


def test_the_cache_drops_the_least_recently_used() -> None:
    cache = ResultCache(max_items=2)
    cache.get("a", lambda: "A")
    cache.get("b", lambda: "B")
    assert cache.peek("a") == "A"  # now a is more recent than b
    cache.get("c", lambda: "C")
    assert cache.peek("b") is MISSING and cache.peek("a") == "A" and len(cache) == 2


def test_the_cache_is_bounded_in_bytes() -> None:
    cache = ResultCache(max_items=100, max_bytes=10)
    for key in "abcd":
        cache.get(key, lambda key=key: key * 4)
    assert cache.nbytes == 8 and [cache.peek(k) for k in "cd"] == ["cccc", "dddd"]
    assert cache.get("big", lambda: "x" * 11) == "x" * 11  # returned, not kept
    assert cache.peek("big") is MISSING and cache.nbytes == 8


def test_a_missing_key_is_built_once_for_all_who_ask() -> None:
    cache = ResultCache(max_items=4)
    started, release = threading.Event(), threading.Event()
    builds: list[int] = []

    def slow_build() -> str:
        builds.append(1)
        started.set()
        release.wait(10)
        return "result"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow_build))) for _ in range(5)]
    threads[0].start()
    started.wait(10)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.05)
    release.set()
    for thread in threads:
        thread.join(10)
    assert results == ["result"] * 5 and builds == [1]


def test_a_failed_build_is_raised_and_not_kept() -> None:
    cache = ResultCache(max_items=4)

    def failing() -> str:
        raise LookupError("no such thing")

    with pytest.raises(LookupError):
        cache.get("k", failing)
    assert cache.peek("k") is MISSING and cache.get("k", lambda: "built") == "built"
