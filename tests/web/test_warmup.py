"""The serving process builds the campaign pages and every campaign's incident draft in the background,
once per data version."""

from __future__ import annotations

import time

from web_support import Planted

from unmask.documents import build
from unmask.web import reads
from unmask.web.cache import MISSING
from unmask.web.db import StoreAccess
from unmask.web.incidents import load_incident
from unmask.web.queries import CampaignFilter
from unmask.web.routes.campaigns import CAMPAIGN_PAGE, LIST_PAGE
from unmask.web.warmup import PAGES_WARMED, start_warmup, warm_drafts, warm_pages


def test_warm_up_renders_the_list_and_the_campaign_pages(planted: Planted) -> None:
    access = StoreAccess(planted.path, settle_seconds=0.05)
    with access.read() as store:
        campaigns = store.con.execute("SELECT count(*) FROM campaigns").fetchone()[0]
    time.sleep(0.15)
    assert warm_pages(access) == 1 + min(campaigns, PAGES_WARMED)  # the list and the top campaigns
    known = access.known()
    assert known is not None  # and from now on a request finds them without opening the store
    for key in (
        (LIST_PAGE, CampaignFilter()),
        (CAMPAIGN_PAGE, planted.campaign_id),
        (CAMPAIGN_PAGE, planted.other_campaign_id),
    ):
        parts = reads.PAGES.peek((known.version, *key))
        assert parts is not MISSING and b"<h1>" in parts["content"]


def test_after_warm_up_opening_an_incident_builds_nothing(planted: Planted, monkeypatch) -> None:
    access = StoreAccess(planted.path)
    assert warm_drafts(access) >= 2  # the planted store holds two campaigns

    def no_build(*args, **kwargs):
        raise AssertionError("the draft should have been built by the warm-up")

    monkeypatch.setattr(build, "new_incident", no_build)
    for campaign_id in (planted.campaign_id, planted.other_campaign_id):
        with access.read() as store:
            assert load_incident(store, campaign_id).incident.to_dict()


def test_the_background_thread_warms_without_a_request(planted: Planted, monkeypatch) -> None:
    built: list[str] = []
    original = build.new_incident

    def counting(data, **kwargs):
        built.append(data.campaign_id)
        return original(data, **kwargs)

    monkeypatch.setattr(build, "new_incident", counting)
    access = StoreAccess(planted.path)
    with access.read() as store:
        campaigns = {row[0] for row in store.con.execute("SELECT campaign_id FROM campaigns").fetchall()}
    stop = start_warmup(access, every=0.05)
    try:
        deadline = time.monotonic() + 60
        while set(built) != campaigns and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
    assert {planted.campaign_id, planted.other_campaign_id} <= set(built) == campaigns
    before = len(built)
    with access.read() as store:
        load_incident(store, planted.campaign_id)
    assert len(built) == before, "a warmed draft is not built again"
