"""The incident editor: every role may read a campaign's DISARM record, analysts and admins may save it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from unmask.documents.incident import TechniqueStatus
from unmask.web.audit import audit_trail
from unmask.web.auth import Role, SessionUser
from unmask.web.deps import app_state, require
from unmask.web.incidents import (
    REFERENCE_FIELDS,
    catalogue,
    check_revision,
    incident_from_form,
    lint_incident,
    load_incident,
    save_incident,
)
from unmask.web.templating import path_segment

router = APIRouter(tags=["incidents"], include_in_schema=False)


@router.get("/campaigns/{campaign_id}/incident")
def incident_page(
    request: Request, campaign_id: str, saved: bool = False, user: SessionUser = Depends(require(Role.VIEWER))
) -> Response:
    state = app_state(request)
    with state.access.read() as store:
        current = load_incident(store, campaign_id)
        findings = lint_incident(store, campaign_id, current.incident)
        trail = audit_trail(store.con, action_prefix="incident.", target=campaign_id)
    by_place: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        by_place[finding["where"]].append(finding)
    names = catalogue()
    context = {
        "campaign_id": campaign_id,
        "state": current,
        "inc": current.incident,
        "findings": findings,
        "by_place": by_place,
        "audit": trail,
        "can_edit": user.role.allows(Role.ANALYST),
        "statuses": list(TechniqueStatus),
        "reference_fields": REFERENCE_FIELDS,
        "technique_names": {t.technique_id: names.name(t.technique_id) for t in current.incident.techniques},
        "catalogue_version": names.version,
        "saved": saved,
    }
    return state.renderer.page(request, "incident.html", context)


def _save(request: Request, campaign_id: str, form: Mapping[str, Any], user: SessionUser) -> Response:
    state = app_state(request)
    edited_from = str(form.get("revision", ""))
    with state.access.read() as store:
        current = load_incident(store, campaign_id)
    check_revision(campaign_id, current, edited_from)
    incident = incident_from_form(form, current.incident)
    with state.access.write() as store:
        save_incident(store, campaign_id, incident, edited_from=edited_from, user=user.name)
    return RedirectResponse(f"/campaigns/{path_segment(campaign_id)}/incident?saved=true", status_code=303)


@router.post("/campaigns/{campaign_id}/incident")
async def incident_save(
    request: Request, campaign_id: str, user: SessionUser = Depends(require(Role.ANALYST))
) -> Response:
    form = await request.form()
    return await run_in_threadpool(_save, request, campaign_id, dict(form), user)
