"""The serving process builds every campaign's incident draft in the background, once per data version."""

from __future__ import annotations

import time

from web_support import Planted

from unmask.documents import build
from unmask.web.db import StoreAccess
from unmask.web.incidents import load_incident
from unmask.web.warmup import start_warmup, warm_drafts


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
