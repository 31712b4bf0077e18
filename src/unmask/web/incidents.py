"""The incident editor's data: load a campaign's DISARM record, lint it, save edits with an audit trail.

The record lives where unmask.documents keeps it (`incidents`, written by documents.build.save_incident),
so every export uses what the analyst saved. A record is tied to the campaign's accounts: after a new
detection run changes them, the editor starts again from a fresh draft, as the exports do.

Edits are guarded by a revision token, the saved record's `updated_at`, or for a draft never saved a
digest of the draft (a new detection run changes it): a save names the revision it started from, and
one transaction checks it, writes the record and appends an audit row listing every changed field, so
two analysts cannot silently overwrite each other.

A draft is built from every evidence pair of the campaign (seconds at 1M posts), and the linter looks
the cited posts up among the campaign's; both depend only on the store's data, so the process keeps
the last few results by store, data version and campaign (web.cache.ResultCache): an open does not
redo them, and a new detection run or ingest misses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from unmask.documents import build
from unmask.documents.catalogue import Catalogue, load_catalogue
from unmask.documents.disarm_data import find_csv_dir, load_known_incidents
from unmask.documents.disarm_page import parse_page, render
from unmask.documents.evidence import known_evidence
from unmask.documents.incident import Incident, IncidentTechnique, Reference, TechniqueStatus
from unmask.documents.lint import lint_page
from unmask.errors import InputError
from unmask.store import Store
from unmask.web.audit import audit
from unmask.web.queries import data_key, recent_results

TEXT_FIELDS = (
    "name",
    "summary",
    "incident_type",
    "year_started",
    "attributed_to",
    "countries",
    "found_via",
    "date_added",
)
REFERENCE_FIELDS = ("url", "title", "publication_date", "authors", "organisation", "archive_url")
DRAFT_PREFIX = "draft-"
MAX_FIELD = 20000


class EditConflictError(InputError):
    """The record was saved by someone else after this edit started."""


@dataclass(frozen=True)
class IncidentState:
    incident: Incident
    revision: str  # the saved record's updated_at (ISO), or DRAFT_PREFIX + a digest of the unsaved draft
    updated_by: str | None = None
    updated_at: datetime | None = None


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The DISARM catalogue, read once per process (it is a multi-megabyte bundle)."""
    return load_catalogue()


@lru_cache(maxsize=1)
def known_incidents() -> Mapping[str, Incident]:
    """DISARM's own incidents, for the borrowed-evidence check; empty where the CSVs are absent."""
    csv_dir = find_csv_dir()
    return load_known_incidents(csv_dir) if csv_dir else {}


def _saved_meta(store: Store, key: build.CampaignKey) -> tuple[datetime, str | None] | None:
    """(updated_at, updated_by) of the record saved for these accounts, if any."""
    exists = store.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'incidents'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    return store.con.execute(
        "SELECT updated_at, updated_by FROM incidents WHERE campaign_id = ? AND members_sha256 = ?",
        [key.campaign_id, key.fingerprint],
    ).fetchone()


def draft_incident(store: Store, key: build.CampaignKey) -> Incident:
    """The incident unmask builds for the campaign (`documents.build.new_incident`), cached per process.

    Kept as `to_dict` data and rebuilt per call, so a caller that changes the incident changes its own
    copy.
    """
    record = recent_results.get(
        ("draft", *data_key(store, key.campaign_id), key.fingerprint),
        lambda: build.new_incident(
            build.load_campaign(store, key.campaign_id), catalogue=catalogue()
        ).to_dict(),
    )
    return Incident.from_dict(record)


def _state(store: Store, key: build.CampaignKey) -> IncidentState:
    incident = build.saved_incident(store, key) or draft_incident(store, key)
    meta = _saved_meta(store, key)
    if meta is None:
        return IncidentState(incident, _draft_revision(incident))
    return IncidentState(incident, meta[0].isoformat(), meta[1], meta[0])


def _draft_revision(incident: Incident) -> str:
    record = json.dumps(incident.to_dict(), sort_keys=True).encode()
    return DRAFT_PREFIX + hashlib.sha256(record).hexdigest()[:16]


def load_incident(store: Store, campaign_id: str) -> IncidentState:
    """The saved record of the campaign, else a fresh draft (NotFoundError for an unknown campaign)."""
    return _state(store, build.campaign_ref(store, campaign_id))


def check_revision(campaign_id: str, current: IncidentState, edited_from: str) -> None:
    """EditConflictError when the record moved on from the revision an edit started from."""
    if current.revision != edited_from:
        what = (
            f"was saved by {current.updated_by} at {current.revision}"
            if current.updated_at
            else "draft changed (detection was run again)"
        )
        raise EditConflictError(
            f"the incident of {campaign_id} {what} after you opened it: reload and redo your edit"
        )


def save_incident(store: Store, campaign_id: str, incident: Incident, *, edited_from: str, user: str) -> str:
    """Write `incident` if the saved record is still at revision `edited_from`; return the new revision.

    Call inside one write transaction (StoreAccess.write): the check, the write and the audit row
    commit together or not at all.
    """
    key = build.campaign_ref(store, campaign_id)
    current = _state(store, key)
    check_revision(campaign_id, current, edited_from)
    if incident.id != current.incident.id:
        raise InputError(f"incident id {incident.id!r} differs from {current.incident.id!r}")
    build.save_incident(store, key, incident, updated_by=user)
    revision = _state(store, key).revision
    changes = incident_changes(current.incident.to_dict(), incident.to_dict())
    audit(store.con, user, "incident.save", campaign_id, {"revision": revision, "changes": changes})
    return revision


def incident_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Every changed field as {field, old, new}; list items are matched by URL / technique id."""
    changes = [
        {"field": key, "old": old.get(key), "new": new.get(key)}
        for key in sorted(old.keys() | new.keys())
        if key not in ("references", "techniques") and old.get(key) != new.get(key)
    ]
    for name, key in (("references", "url"), ("techniques", "technique_id")):
        before = {item[key]: item for item in old.get(name, [])}
        after = {item[key]: item for item in new.get(name, [])}
        for ident in sorted(before.keys() | after.keys()):
            if ident not in after:
                changes.append({"field": f"{name}[{ident}]", "old": "present", "new": "removed"})
            elif ident not in before:
                changes.append({"field": f"{name}[{ident}]", "old": None, "new": "added"})
            else:
                changes += [
                    {"field": f"{name}[{ident}].{f}", "old": before[ident][f], "new": after[ident][f]}
                    for f in sorted(after[ident])
                    if before[ident].get(f) != after[ident][f]
                ]
    return changes


def lint_incident(store: Store, campaign_id: str, incident: Incident) -> list[dict[str, Any]]:
    """The linter's findings on the rendered record, each tied to the part of the form it concerns."""
    page = render(incident, catalogue=catalogue())
    parsed = parse_page(page)
    cited = {ref for technique in parsed.incident.techniques for ref in technique.evidence}
    findings = lint_page(
        page,
        catalogue=catalogue(),
        known_evidence=recent_results.get(
            ("evidence", *data_key(store, campaign_id), frozenset(cited)),
            lambda: known_evidence(store, campaign_id, cited=cited),
        ),
        incident_data=known_incidents(),
    )
    where: dict[int, str] = {line: f"field:{attr}" for attr, line in parsed.field_lines.items()}
    where |= {line: f"reference:{i}" for i, line in enumerate(parsed.reference_lines)}
    where |= {
        line: f"technique:{technique.technique_id}"
        for line, technique in zip(parsed.technique_lines, parsed.incident.techniques, strict=True)
    }
    return [
        {"line": f.line, "code": f.code, "message": f.message, "where": where.get(f.line, "page")}
        for f in findings
    ]


def _text(form: Mapping[str, Any], key: str, default: str) -> str:
    value = form.get(key, default)
    if not isinstance(value, str):
        raise InputError(f"{key}: expected text")
    if len(value) > MAX_FIELD:
        raise InputError(f"{key}: longer than {MAX_FIELD} characters")
    return value.replace("\r\n", "\n")


def incident_from_form(form: Mapping[str, Any], base: Incident) -> Incident:
    """Apply the editor form to `base`: fields, notes, references (edit, remove, add one), techniques
    (status, description; add one by id). Ids, evidence lists and the catalogue version stay as stored."""
    fields = {name: _text(form, name, getattr(base, name)).strip() for name in TEXT_FIELDS}
    fields["notes_below_line"] = _text(form, "notes_below_line", base.notes_below_line)
    references = []
    for i in range(len(base.references) + 1):
        values = {f: _text(form, f"ref-{i}-{f}", "").strip() for f in REFERENCE_FIELDS}
        if form.get(f"ref-{i}-remove") or not values["url"]:
            continue
        references.append(Reference(**values))
    techniques = []
    for i, technique in enumerate(base.techniques):
        status = _text(form, f"tech-{i}-status", technique.status.value)
        try:
            parsed_status = TechniqueStatus(status)
        except ValueError as exc:
            raise InputError(f"technique {technique.technique_id}: unknown status {status!r}") from exc
        description = _text(form, f"tech-{i}-description", technique.description)
        techniques.append(replace(technique, status=parsed_status, description=description))
    new_id = _text(form, "tech-new-id", "").strip()
    if new_id:
        if new_id not in catalogue():
            raise InputError(f"{new_id!r} is not a technique of {catalogue().version}")
        if any(t.technique_id == new_id for t in techniques):
            raise InputError(f"{new_id} is already in the incident")
        description = _text(form, "tech-new-description", "")
        techniques.append(IncidentTechnique(new_id, description, status=TechniqueStatus.ACCEPTED))
    return replace(base, **fields, references=references, techniques=techniques)
