"""What keeps the editor and the campaign page fast on large stores changes nothing they show: the draft,
the linter's look-ups and the campaign page's data are kept per data version, the linter looks up only
the references the page cites, and the campaign page joins posts to the evidence pairs it shows only —
each compared with the plain way on the planted store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from web_support import Planted

from unmask.documents import build
from unmask.documents.disarm_page import render
from unmask.documents.evidence import known_evidence
from unmask.documents.lint import lint_page
from unmask.errors import NotFoundError
from unmask.store import Store, open_store
from unmask.web import queries
from unmask.web.incidents import (
    catalogue,
    draft_incident,
    known_incidents,
    lint_incident,
    load_incident,
)


def test_draft_is_built_once_per_data_version(planted: Planted, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    load_campaign = build.load_campaign

    def counted(store: Store, campaign_id: str) -> build.CampaignData:
        loads.append(campaign_id)
        return load_campaign(store, campaign_id)

    monkeypatch.setattr(build, "load_campaign", counted)
    with open_store(planted.path) as store:
        key = build.campaign_ref(store, planted.campaign_id)
        expected = build.new_incident(load_campaign(store, planted.campaign_id), catalogue=catalogue())
        first = draft_incident(store, key)
        assert first == expected and loads == [planted.campaign_id]
        first.techniques.clear()  # a caller's change stays in its own copy
        assert draft_incident(store, key) == expected
        assert load_incident(store, planted.campaign_id).incident == expected
        assert len(loads) == 1
        store.con.execute("UPDATE detect_runs SET finished_at = finished_at + INTERVAL 1 SECOND")
        assert draft_incident(store, key) == expected and len(loads) == 2
        other = build.campaign_ref(store, planted.other_campaign_id)
        assert draft_incident(store, other).id == f"U-{planted.other_campaign_id}" and len(loads) == 3


def test_linter_findings_equal_those_against_every_reference(shared_planted: Planted) -> None:
    with open_store(shared_planted.path, read_only=True) as store:
        incident = load_incident(store, shared_planted.campaign_id).incident
        other_post = store.con.execute(
            "SELECT p.platform, p.post_id FROM posts p JOIN campaign_accounts c USING (platform, account_id) "
            "WHERE c.campaign_id = ? ORDER BY p.post_id LIMIT 1",
            [shared_planted.other_campaign_id],
        ).fetchone()
        member = build.campaign_ref(store, shared_planted.campaign_id)
        platform, account_id = shared_planted.hostile_acct.split(":", 1)
        cited = [
            build.post_url(*other_post),  # another campaign's post
            f"{other_post[0]}:{other_post[1]}",
            build.account_url(platform, account_id),  # a member's link
            "x:not-in-the-store",
            '"><svg onload=1>',
        ]
        first = replace(incident.techniques[0], evidence=[*incident.techniques[0].evidence, *cited])
        edited = replace(incident, techniques=[first, *incident.techniques[1:]])
        as_drafted = lint_incident(store, member.campaign_id, incident)
        found = lint_incident(store, member.campaign_id, edited)
        expected = lint_page(
            render(edited, catalogue=catalogue()),
            catalogue=catalogue(),
            known_evidence=known_evidence(store, member.campaign_id),
            incident_data=known_incidents(),
        )
    assert [(f["line"], f["code"], f["message"]) for f in found] == [
        (f.line, f.code, f.message) for f in expected
    ]
    assert not [f for f in as_drafted if f["code"] == "unsupported-evidence"]
    [unsupported] = [f for f in found if f["code"] == "unsupported-evidence"]
    assert "x:not-in-the-store" in unsupported["message"] and other_post[1] in unsupported["message"]
    assert build.account_url(platform, account_id) not in unsupported["message"]


# The campaign page's evidence as one plain join of every pair with its posts and accounts: the reference.
PLAIN_CAMPAIGN_EVIDENCE = """
    WITH m AS (SELECT platform || ':' || account_id AS acct FROM campaign_accounts WHERE campaign_id = ?)
    SELECT e.signal, e.a, ha.handle, e.post_a, e.ts_a, pa.text, e.b, hb.handle, e.post_b, e.ts_b, pb.text
    FROM evidence e
    JOIN m ma ON ma.acct = e.a JOIN m mb ON mb.acct = e.b
    LEFT JOIN posts pa ON pa.platform = split_part(e.a, ':', 1) AND pa.post_id = e.post_a
    LEFT JOIN posts pb ON pb.platform = split_part(e.b, ':', 1) AND pb.post_id = e.post_b
    LEFT JOIN accounts ha ON ha.platform || ':' || ha.account_id = e.a
    LEFT JOIN accounts hb ON hb.platform || ':' || hb.account_id = e.b
    ORDER BY e.ts_a, e.signal, e.post_a, e.post_b LIMIT ?"""


@pytest.mark.parametrize("shown", [1, 7, 60, 100_000])
def test_campaign_evidence_equals_the_plain_join(
    planted: Planted, monkeypatch: pytest.MonkeyPatch, shown: int
) -> None:
    monkeypatch.setattr(queries, "EVIDENCE_SHOWN", shown)
    with open_store(planted.path, read_only=True) as store:
        evidence = queries.campaign_detail(store, planted.campaign_id)["evidence"]
        plain = store.con.execute(PLAIN_CAMPAIGN_EVIDENCE, [planted.campaign_id, shown]).fetchall()
    rows = [
        (
            e["signal"],
            e["a"]["acct"],
            e["a"]["handle"],
            e["a"]["post"],
            e["a"]["time"],
            e["a"]["text"],
            e["b"]["acct"],
            e["b"]["handle"],
            e["b"]["post"],
            e["b"]["time"],
            e["b"]["text"],
        )
        for e in evidence
    ]
    iso = [(*r[:4], r[4].isoformat(), *r[5:9], r[9].isoformat(), r[10]) for r in plain]
    assert rows == iso and len(rows) == min(shown, len(rows)) and rows
    assert all(e["a"]["handle"] is not None and e["a"]["text"] is not None for e in evidence)


def test_campaign_page_data_is_kept_per_data_version(planted: Planted) -> None:
    with open_store(planted.path) as store:
        first = queries.campaign_detail(store, planted.campaign_id)
        first["members"].clear()  # a caller's change stays in its own copy
        store.con.execute("UPDATE campaigns SET score = -1 WHERE campaign_id = ?", [planted.campaign_id])
        kept = queries.campaign_detail(store, planted.campaign_id)
        assert kept["members"] and kept["score"] != -1  # the same detection run: the kept copy
        store.con.execute("UPDATE detect_runs SET finished_at = finished_at + INTERVAL 1 SECOND")
        assert queries.campaign_detail(store, planted.campaign_id)["score"] == -1
        with pytest.raises(NotFoundError):
            queries.campaign_detail(store, "C999")
