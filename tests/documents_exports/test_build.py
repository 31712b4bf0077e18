"""Building the incident from detection results, links per platform, and saved (edited) incidents."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from unmask.documents.build import (
    FOUND_VIA,
    account_url,
    build_incident,
    load_campaign,
    markup_to_text,
    post_url,
    save_incident,
)
from unmask.documents.catalogue import Catalogue
from unmask.documents.incident import TechniqueStatus
from unmask.errors import NotFoundError


def test_incident_fields_come_from_the_campaign(planted, hostile, catalogue: Catalogue) -> None:
    con = planted.store.con
    incident = build_incident(planted.store, planted.campaign_id, catalogue=catalogue)
    accounts, posts, raw = con.execute(
        "SELECT accounts, posts, summary FROM campaigns WHERE campaign_id = ?", [planted.campaign_id]
    ).fetchone()
    summary = json.loads(raw)
    assert incident.id == f"U-{planted.campaign_id}"
    assert incident.incident_type == "campaign"
    assert incident.year_started == summary["time_span"]["start"][:4]
    assert incident.found_via == FOUND_VIA
    assert incident.date_added == planted.run_at.date().isoformat()
    assert incident.catalogue_version == catalogue.version
    assert f"{accounts} accounts" in incident.name
    assert f"found {accounts} accounts acting together: they posted {posts} posts" in incident.summary
    assert f"{len(summary['bursts'])} burst(s)" in incident.summary
    top = summary["targets"][0]
    assert f"{top['campaign_replies']} replies" in incident.summary
    assert "<" not in incident.summary  # the hostile target handle is escaped markup
    assert hostile.img in markup_to_text(incident.summary)
    assert incident.techniques


def test_unknown_campaign_is_not_found(planted) -> None:
    with pytest.raises(NotFoundError, match="C999"):
        load_campaign(planted.store, "C999")


def test_saved_incident_is_used_while_the_accounts_are_the_same(fresh_planted, catalogue: Catalogue) -> None:
    planted = fresh_planted
    store = planted.store
    data = load_campaign(store, planted.campaign_id)
    built = build_incident(store, planted.campaign_id, catalogue=catalogue, data=data)
    reviewed = replace(
        built,
        countries="Canada",
        techniques=[replace(t, status=TechniqueStatus.ACCEPTED) for t in built.techniques],
    )
    save_incident(store, data, reviewed, updated_by="analyst")
    assert build_incident(store, planted.campaign_id, catalogue=catalogue) == reviewed
    store.con.execute(
        "DELETE FROM campaign_accounts WHERE campaign_id = ? AND account_id = "
        "(SELECT max(account_id) FROM campaign_accounts WHERE campaign_id = ?)",
        [planted.campaign_id, planted.campaign_id],
    )
    with pytest.warns(UserWarning, match="other accounts"):
        rebuilt = build_incident(store, planted.campaign_id, catalogue=catalogue)
    assert rebuilt.countries == ""
    assert {t.status for t in rebuilt.techniques} == {TechniqueStatus.INFERRED}


def test_links_are_built_per_platform_and_cannot_be_bent() -> None:
    assert post_url("x", "123") == "https://x.com/i/status/123"
    assert post_url("facebook", "9_8") == "https://www.facebook.com/9_8"
    assert (
        post_url("x", '1"><script>/../?a=b') == "https://x.com/i/status/1%22%3E%3Cscript%3E%2F..%2F%3Fa%3Db"
    )
    assert post_url("mastodon", "1") == ""
    assert account_url("x", "42") == "https://x.com/i/user/42"
    assert account_url("x", "4/2?") == "https://x.com/i/user/4%2F2%3F"
    assert account_url("tiktok", "42") == ""
