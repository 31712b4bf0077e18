"""The hostile campaign in headless Chromium: every page of the app, the HTML report and the notices.

Reuses tests/web/test_browser.py's harness: uvicorn on 127.0.0.1 serving the hostile store (its `server`
fixture, given `shared_planted` by conftest.py), and `tab`, which aborts and fails on any request that
leaves the test server, any dialog, any CSP violation and any script error. Here, on top: no payload ran
(`window.__pwned` stays undefined) and each page shows the payloads it holds as text.

The report and notices are documents, not app pages: they are served to the browser from the test
server's origin without the app's headers, so only their own Content-Security-Policy meta tag and their
escaping stand between the payloads and the page.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from corpus_inert import files_of
from corpus_store import HostileCampaign
from corpus_values import PAYLOADS, big_text
from test_browser import Tab, browser, server, tab  # noqa: F401  (fixtures reused: see the docstring)

from unmask.documents.catalogue import Catalogue
from unmask.documents.exports import export
from unmask.store import open_store

pytestmark = pytest.mark.browser
_CR = re.compile(r"\r\n?")  # HTML parsing turns CR and CRLF into LF
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def as_text(value: str) -> str:
    """A stored value as a page's text holds it: line ends normalised, controls HTML forbids dropped."""
    return _CONTROLS.sub("", _CR.sub("\n", value))


def text_of(tab: Tab) -> str:  # noqa: F811
    return _CONTROLS.sub("", tab.page.evaluate("document.body.textContent"))


def settle_and_check(tab: Tab, where: str) -> str:  # noqa: F811
    """Let the page's own scripts run, check nothing planted ran, and return its text."""
    tab.page.wait_for_load_state("load")
    tab.page.wait_for_timeout(100)
    assert tab.pwned() is None, f"{where}: a payload ran"
    assert tab.page.locator("script:not([src]), [onload], [onerror], [onmouseover], iframe").count() == 0, (
        where
    )
    assert tab.page.locator("a[href^='javascript:' i], a[href^='data:' i]").count() == 0, where
    return text_of(tab)


def test_app_pages_show_the_payloads_as_text(tab: Tab, hostile_campaign: HostileCampaign) -> None:  # noqa: F811
    planting = hostile_campaign.planting
    hostile_next = quote('"><script>window.__pwned=1</script>')
    tab.go(f"/login?next={hostile_next}")
    settle_and_check(tab, "login")
    tab.login("admin")

    shown = settle_and_check(tab, "campaign list")
    assert any(as_text(h) in shown for h in planting.target_handles.values()), "no target handle shown"
    for campaign_id in hostile_campaign.campaigns:
        tab.go(f"/campaigns/{campaign_id}")
        tab.page.wait_for_selector("#graph[data-drawn-nodes]")
        shown = settle_and_check(tab, campaign_id)
        labels = tab.page.evaluate(
            "[...document.querySelectorAll('#graph svg text, #graph svg title')].map(n => n.textContent)"
        )
        drawn = "\n".join(labels)
        assert any(as_text(p["handle"]) in drawn for p in planting.profiles.values()), (
            f"{campaign_id}: labels"
        )
        tab.go(f"/campaigns/{campaign_id}/incident")
        settle_and_check(tab, f"{campaign_id} incident")

    for account_id, profile in planting.profiles.items():
        tab.go("/accounts/" + quote(f"x:{account_id}", safe=":"))
        shown = settle_and_check(tab, account_id)
        missing = [name for name, value in profile.items() if as_text(value) not in shown]
        assert not missing, f"{account_id}: not shown as text: {missing}"
    for target in list(planting.target_handles)[:3]:
        tab.go(f"/accounts/x:{target}")
        assert as_text(planting.target_handles[target]) in settle_and_check(tab, target)

    for name in ("script", "img_onerror", "attr_breakout", "svg_script", "formula_hyperlink", "bidi"):
        tab.go("/search?q=" + quote(PAYLOADS[name].strip()[:60]))
        assert as_text(PAYLOADS[name]) in settle_and_check(tab, f"search {name}"), name
    with open_store(hostile_campaign.path, read_only=True) as store:
        (author,) = store.con.execute(
            "SELECT account_id FROM posts WHERE post_id = ?", [planting.big_post]
        ).fetchone()
    tab.go("/accounts/" + quote(f"x:{author}", safe=":"))
    assert as_text(big_text()) in settle_and_check(tab, "the author of the 1 MiB post")

    tab.go("/admin/users")
    settle_and_check(tab, "users")
    tab.go("/accounts/" + quote("x:<svg onload=window.__pwned=1>", safe=":"))  # an error page quoting input
    assert "<svg onload" in settle_and_check(tab, "unknown account")


def test_report_and_notices_are_inert_in_the_browser(
    tab: Tab,  # noqa: F811
    hostile_campaign: HostileCampaign,
    catalogue: Catalogue,
) -> None:
    with open_store(hostile_campaign.path, read_only=True) as store:
        pages = files_of(export(store, "html", catalogue=catalogue).data)
        pages |= files_of(export(store, "notices", catalogue=catalogue).data)
    served: dict[str, bytes] = {}
    tab.page.route(
        f"{tab.base}/__document/*",
        lambda route: route.fulfill(
            body=served[route.request.url.rsplit("/", 1)[1]], content_type="text/html"
        ),
    )
    handles = [as_text(p["handle"]) for p in hostile_campaign.planting.profiles.values()]
    seen = set()
    for name, page in sorted(pages.items()):
        served[quote(name)] = page
        tab.go(f"/__document/{quote(name)}")
        shown = settle_and_check(tab, name)
        seen |= {handle for handle in handles if handle in shown}
    assert len(seen) >= len(handles) // 2, f"hostile handles shown as text: {len(seen)} of {len(handles)}"
