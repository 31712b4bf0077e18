"""The incident editor: saving through the form and the API, the audit trail, edit conflicts, the
linter's findings next to what they concern, read-only viewers, and saves that commit all or nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from markupsafe import escape
from web_support import HOSTILE_SCRIPT, Planted, Session

from unmask.documents.incident import TechniqueStatus
from unmask.store import open_store
from unmask.web.db import StoreAccess
from unmask.web.incidents import incident_changes, load_incident, save_incident


def _record(session: Session, planted: Planted) -> dict:
    response = session.client.get(f"/api/campaigns/{planted.campaign_id}/incident")
    assert response.status_code == 200
    return response.json()


def _form(session: Session, planted: Planted) -> str:
    return session.client.get(f"/campaigns/{planted.campaign_id}/incident").text


def test_draft_comes_from_detection_with_findings_inline(login: Callable, planted: Planted) -> None:
    analyst = login("analyst")
    record = _record(analyst, planted)
    assert record["revision"].startswith("draft-") and record["updated_at"] is None and record["audit"] == []
    techniques = record["incident"]["techniques"]
    assert techniques and all(t["status"] == "inferred" for t in techniques)
    unreviewed = {f["where"] for f in record["findings"] if f["code"] == "unreviewed-technique"}
    assert unreviewed == {f"technique:{t['technique_id']}" for t in techniques}
    page = _form(analyst, planted)
    for i, technique in enumerate(techniques):
        fieldset = page[page.index(f'id="tech-{i}"') :]
        fieldset = fieldset[: fieldset.index("</fieldset>")]
        assert "unreviewed-technique" in fieldset and technique["technique_id"] in fieldset
    countries = page[page.index('for="f-countries"') :]
    assert "empty-field" in countries[: countries.index("</div>")]


def test_analyst_saves_through_the_form(login: Callable, planted: Planted) -> None:
    analyst = login("analyst")
    before = _record(analyst, planted)
    techniques = before["incident"]["techniques"]
    form = {
        "revision": before["revision"],
        "summary": "Edited by the analyst.",
        "countries": "Canada",
        "attributed_to": "China",
        "notes_below_line": "checked against the four news reports",
        "tech-0-status": "accepted",
        "tech-1-status": "rejected",
        "ref-0-url": "https://example.org/report",
        "ref-0-title": "A report",
        "ref-0-archive_url": "https://web.archive.org/web/2023/https://example.org/report",
        "ref-0-publication_date": "2023/10/23",
    }
    response = analyst.post(f"/campaigns/{planted.campaign_id}/incident", form)
    assert response.status_code == 303
    assert response.headers["location"] == f"/campaigns/{planted.campaign_id}/incident?saved=true"
    after = _record(analyst, planted)
    incident = after["incident"]
    assert after["revision"] == after["updated_at"] and after["updated_by"] == "analyst"
    assert incident["summary"] == "Edited by the analyst." and incident["countries"] == "Canada"
    assert incident["notes_below_line"] == "checked against the four news reports"
    assert [t["status"] for t in incident["techniques"][:2]] == ["accepted", "rejected"]
    assert all(t["status"] == "inferred" for t in incident["techniques"][2:])
    assert incident["references"] == [
        {
            "url": "https://example.org/report",
            "title": "A report",
            "publication_date": "2023/10/23",
            "authors": "",
            "organisation": "",
            "archive_url": "https://web.archive.org/web/2023/https://example.org/report",
        }
    ]
    assert [t["technique_id"] for t in incident["techniques"]] == [t["technique_id"] for t in techniques]
    reviewed = {t["technique_id"] for t in incident["techniques"][:2]}
    assert not any(
        f["code"] == "unreviewed-technique" and f["where"].split(":", 1)[1] in reviewed
        for f in after["findings"]
    )
    assert not any(f["where"] == "field:countries" for f in after["findings"])
    [entry] = after["audit"]
    assert entry["user"] == "analyst" and entry["action"] == "incident.save"
    changed = {c["field"] for c in entry["changes"]}
    assert {"summary", "countries", "attributed_to", "notes_below_line"} <= changed
    assert f"techniques[{techniques[0]['technique_id']}].status" in changed
    assert "references[https://example.org/report]" in changed
    page = _form(analyst, planted)
    assert 'id="saved-notice"' not in page
    assert "Saved." in analyst.client.get(response.headers["location"]).text


def test_saved_record_is_what_exports_use(login: Callable, planted: Planted) -> None:
    analyst = login("analyst")
    draft = _record(analyst, planted)["revision"]
    response = analyst.post(
        f"/campaigns/{planted.campaign_id}/incident",
        {"revision": draft, "summary": "Summary from the editor."},
    )
    assert response.status_code == 303
    page = analyst.client.get(f"/campaigns/{planted.campaign_id}/exports/disarm").text
    assert "* **Summary:** Summary from the editor." in page


def test_a_stale_revision_is_refused(login: Callable, planted: Planted) -> None:
    first, second = login("analyst"), login("admin")
    path = f"/campaigns/{planted.campaign_id}/incident"
    draft = _record(first, planted)["revision"]
    assert first.post(path, {"revision": draft, "summary": "first"}).status_code == 303
    conflict = second.post(path, {"revision": draft, "summary": "second"})
    assert conflict.status_code == 409
    assert "saved by analyst" in conflict.text
    assert _record(first, planted)["incident"]["summary"] == "first"
    record = _record(second, planted)
    assert second.post(path, {"revision": record["revision"], "summary": "second"}).status_code == 303
    assert [e["user"] for e in _record(first, planted)["audit"]] == ["admin", "analyst"]


def test_viewer_sees_a_read_only_form_and_cannot_save(login: Callable, planted: Planted) -> None:
    viewer = login("viewer")
    page = _form(viewer, planted)
    assert "Read only" in page and 'id="save-incident"' not in page
    fields = re.findall(r"<(?:input|textarea) [^>]*name=\"(?!csrf_token|revision)[^\"]+\"[^>]*>", page)
    assert fields and all("disabled" in field for field in fields)
    draft = _record(viewer, planted)["revision"]
    response = viewer.post(
        f"/campaigns/{planted.campaign_id}/incident", {"revision": draft, "summary": "viewer"}
    )
    assert response.status_code == 403
    record = _record(viewer, planted)
    assert record["revision"] == draft and record["incident"]["summary"] != "viewer"
    put = viewer.put_json(f"/api/campaigns/{planted.campaign_id}/incident", record)
    assert put.status_code == 403


def test_invalid_input_saves_nothing(login: Callable, planted: Planted) -> None:
    analyst = login("analyst")
    path = f"/campaigns/{planted.campaign_id}/incident"
    draft = _record(analyst, planted)["revision"]
    for form in (
        {"revision": draft, "tech-new-id": "T9999"},
        {"revision": draft, "tech-0-status": "maybe"},
        {"revision": draft, "summary": "x" * 20001},
    ):
        assert analyst.post(path, form).status_code == 400
    assert _record(analyst, planted)["revision"] == draft


def test_adding_a_technique(login: Callable, planted: Planted) -> None:
    analyst = login("analyst")
    path = f"/campaigns/{planted.campaign_id}/incident"
    form = {
        "revision": _record(analyst, planted)["revision"],
        "tech-new-id": "T0097",
        "tech-new-description": "Personas posed as locals (T0097).",
    }
    assert analyst.post(path, form).status_code == 303
    added = _record(analyst, planted)["incident"]["techniques"][-1]
    assert added["technique_id"] == "T0097" and added["status"] == "accepted"
    record = _record(analyst, planted)
    again = analyst.post(path, {**form, "revision": record["revision"]})
    assert again.status_code == 400 and "already in the incident" in again.text


def test_api_put(login: Callable, planted: Planted) -> None:
    analyst = login("analyst")
    path = f"/api/campaigns/{planted.campaign_id}/incident"
    record = _record(analyst, planted)
    incident = record["incident"]
    incident["name"] = HOSTILE_SCRIPT
    incident["techniques"][0]["status"] = "accepted"
    draft = record["revision"]
    saved = analyst.put_json(path, {"revision": draft, "incident": incident})
    assert saved.status_code == 200
    body = saved.json()
    assert body["incident"]["name"] == HOSTILE_SCRIPT and body["revision"]
    assert body["audit"][0]["changes"][0]["field"] in {
        "name",
        f"techniques[{incident['techniques'][0]['technique_id']}].status",
    }
    assert analyst.put_json(path, {"revision": draft, "incident": incident}).status_code == 409
    assert (
        analyst.put_json(
            path, {"revision": body["revision"], "incident": {**incident, "id": "I00093"}}
        ).status_code
        == 400
    )
    assert analyst.put_json(path, {"revision": body["revision"], "incident": {"bogus": 1}}).status_code == 400
    assert analyst.put_json(path, {"incident": incident}).status_code == 422
    page = _form(analyst, planted)
    assert str(escape(HOSTILE_SCRIPT)) in page and HOSTILE_SCRIPT not in page


def test_save_is_atomic(planted: Planted, monkeypatch: pytest.MonkeyPatch) -> None:
    """If any part of a save fails (here the audit row), neither the record nor the audit row is kept."""
    access = StoreAccess(planted.path)
    with access.read() as store:
        current = load_incident(store, planted.campaign_id)

    def broken_audit(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("unmask.web.incidents.audit", broken_audit)
    edited = current.incident
    edited.summary = "never stored"
    with pytest.raises(RuntimeError), access.write() as store:
        save_incident(store, planted.campaign_id, edited, edited_from=current.revision, user="analyst")
    with open_store(planted.path, read_only=True) as store:
        tables = {
            row[0] for row in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if "incidents" in tables:
            assert store.con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0
        assert (
            store.con.execute("SELECT count(*) FROM audit_log WHERE action = 'incident.save'").fetchone()[0]
            == 0
        )
        assert load_incident(store, planted.campaign_id).revision == current.revision


def test_incident_changes() -> None:
    old = {
        "name": "a",
        "summary": "s",
        "references": [{"url": "u1", "title": "t"}, {"url": "u2", "title": ""}],
        "techniques": [
            {"technique_id": "T1", "status": "inferred"},
            {"technique_id": "T2", "status": "inferred"},
        ],
    }
    new = {
        "name": "b",
        "summary": "s",
        "references": [{"url": "u1", "title": "T"}, {"url": "u3", "title": ""}],
        "techniques": [{"technique_id": "T1", "status": "accepted"}],
    }
    assert incident_changes(old, new) == [
        {"field": "name", "old": "a", "new": "b"},
        {"field": "references[u1].title", "old": "t", "new": "T"},
        {"field": "references[u2]", "old": "present", "new": "removed"},
        {"field": "references[u3]", "old": None, "new": "added"},
        {"field": "techniques[T1].status", "old": "inferred", "new": "accepted"},
        {"field": "techniques[T2]", "old": "present", "new": "removed"},
    ]
    assert incident_changes(old, old) == []


def test_statuses_offered_are_the_models(login: Callable, planted: Planted) -> None:
    page = _form(login("analyst"), planted)
    offered = set(re.findall(r'name="tech-0-status" value="([a-z]+)"', page))
    assert offered == {s.value for s in TechniqueStatus}
