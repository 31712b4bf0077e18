"""End-to-end in headless Chromium against a real uvicorn server on 127.0.0.1.

Every page is checked for what an attacker would want: no request leaves 127.0.0.1, no dialog opens, no
script planted in the data runs (window.__pwned stays undefined), no CSP violation is reported (so the
pages need nothing the policy forbids). Screenshots go to tests/artefacts/screenshots/.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from web_support import (
    ARTEFACTS,
    HOSTILE_HANDLE,
    HOSTILE_IMG,
    HOSTILE_SCRIPT,
    PASSWORD,
    Planted,
    make_settings,
)

from unmask.web import create_app

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ARTEFACTS / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(shared_planted: Planted) -> Iterator[str]:
    """The app under uvicorn in a background thread; yields its base URL."""
    port = _free_port()
    app = create_app(make_settings(shared_planted.path))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium): browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Tab:
    """A page with guards recording what must never happen."""

    page: object
    base: str
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def login(self, user: str) -> None:
        self.go("/login")
        self.page.fill("input[name=username]", user)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(self.base + "/")

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def pwned(self) -> object:
        return self.page.evaluate("window.__pwned")


@pytest.fixture
def tab(browser: object, server: str) -> Iterator[Tab]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    tab = Tab(page, server)
    own = urlsplit(server).netloc

    def guard(route: object) -> None:
        url = route.request.url
        if urlsplit(url).netloc != own and not url.startswith(("data:", "blob:")):
            tab.outside.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda m: tab.csp.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()
    assert tab.outside == [], "requests left 127.0.0.1"
    assert tab.dialogs == [], "a dialog opened"
    assert tab.csp == [], "the page needed something the CSP forbids"
    assert tab.errors == [], "a script failed"


def test_analyst_journey(tab: Tab, shared_planted: Planted) -> None:
    page = tab.page
    cid = shared_planted.campaign_id
    tab.go("/")
    assert "/login?next=/" in page.url
    tab.shot("login")
    tab.login("analyst")
    assert page.locator("#campaigns tbody tr").count() >= 2
    tab.shot("campaigns")

    page.click(f"#campaigns a[href='/campaigns/{cid}']")
    page.wait_for_selector("#graph[data-drawn-nodes]")
    members = page.locator("#members tbody tr").count()
    drawn = page.locator("#graph svg circle.node").count()
    assert drawn == members > 0
    assert int(page.get_attribute("#graph", "data-drawn-nodes")) == drawn
    assert page.locator("#graph svg line.edge").count() > 0
    assert page.locator("#graph-legend .legend-item").count() >= 1
    assert page.locator("#narratives").get_by_text(HOSTILE_SCRIPT).count() == 1
    assert page.locator("#evidence").get_by_text(HOSTILE_IMG).count() >= 1
    assert tab.pwned() is None
    tab.shot("campaign")

    page.locator("#graph svg circle.node").first.click()
    page.wait_for_url("**/accounts/**")
    assert page.locator("h1").count() == 1 and page.locator("svg.chart rect.bar").count() > 0
    tab.shot("account")

    tab.go(f"/campaigns/{cid}")
    with page.expect_download() as download:
        page.click("#export-stix")
    bundle = json.loads(Path(download.value.path()).read_text())
    assert bundle["type"] == "bundle" and bundle["objects"]

    page.click("#incident-link")
    page.wait_for_selector("#incident-form")
    page.fill("#f-summary", "Reviewed in the browser.")
    page.locator("input[name='tech-0-status'][value='accepted']").check()
    page.click("#save-incident")
    page.wait_for_selector("#saved-notice")
    assert page.input_value("#f-summary") == "Reviewed in the browser."
    assert page.locator("#audit").get_by_text("analyst").count() >= 1
    tab.shot("incident")

    tab.go("/search?q=pwned")
    assert page.locator("#post-results").get_by_text(HOSTILE_SCRIPT).count() == 1
    assert tab.pwned() is None
    tab.shot("search")

    page.click("#logout")
    page.wait_for_url("**/login")
    tab.go(f"/campaigns/{cid}")
    assert "/login?next=" in page.url


def test_hostile_account_runs_nothing(tab: Tab, shared_planted: Planted) -> None:
    page = tab.page
    tab.login("viewer")
    tab.go(f"/accounts/{shared_planted.hostile_acct}")
    assert page.locator("h1").inner_text().startswith("@" + HOSTILE_HANDLE)
    profile = page.locator("#profile")
    assert profile.get_by_text(HOSTILE_SCRIPT).count() == 1  # the display name, as text
    assert profile.get_by_text(HOSTILE_IMG).count() == 1  # the bio, as text
    assert page.locator("[onload], [onerror], script:not([src])").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    page.wait_for_timeout(200)
    assert tab.pwned() is None
    tab.shot("hostile-account")


def test_viewer_cannot_save(tab: Tab, shared_planted: Planted) -> None:
    page = tab.page
    tab.login("viewer")
    tab.go(f"/campaigns/{shared_planted.campaign_id}/incident")
    assert page.locator("#save-incident").count() == 0
    assert page.locator("#f-summary").is_disabled()
    status = page.evaluate(
        """async (cid) => {
            const token = document.querySelector("meta[name=csrf-token]").content;
            const body = new URLSearchParams({csrf_token: token, revision: "", summary: "by a viewer"});
            const response = await fetch(`/campaigns/${cid}/incident`, {method: "POST", body});
            return response.status;
        }""",
        shared_planted.campaign_id,
    )
    assert status == 403
    tab.shot("incident-viewer")


def test_admin_users_page(tab: Tab) -> None:
    tab.login("admin")
    tab.page.click("nav a[href='/admin/users']")
    assert tab.page.locator("#users tbody tr").count() >= 4
    tab.shot("users")
