"""The JSON API under /api/ (described at /api/openapi.json). The pages' scripts use it too.

Reads need the viewer role; PUT of an incident needs analyst and the session's CSRF token in the
X-CSRF-Token header. All strings are data from the store and may be hostile: render them as text.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from unmask.documents.incident import Incident
from unmask.web.audit import audit_trail
from unmask.web.auth import Role, SessionUser
from unmask.web.deps import app_state, campaign_filter, require
from unmask.web.graph import campaign_graph
from unmask.web.incidents import lint_incident, load_incident, save_incident
from unmask.web.queries import (
    MAX_QUERY,
    MIN_QUERY,
    CampaignFilter,
    account_detail,
    campaign_detail,
    campaign_list,
    search,
)
from unmask.web.reads import kept_bytes, kept_json

router = APIRouter(prefix="/api", tags=["api"])
VIEWER = require(Role.VIEWER)


class CampaignRow(BaseModel):
    campaign_id: str
    score: float
    accounts: int
    posts: int
    platforms: list[str]
    languages: list[str]
    start: str | None
    end: str | None
    top_targets: list[str]
    signals: list[str]


class GraphNode(BaseModel):
    id: str = Field(description="platform:account_id")
    label: str
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)
    score: float
    signal: str = Field(description="The account's dominant signal inside the campaign.")


class GraphEdge(BaseModel):
    source: str
    target: str
    signal: str = Field(description="The strongest signal linking the pair.")
    signals: list[str]
    weight: float


class Graph(BaseModel):
    campaign_id: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    signals: list[str]
    total_accounts: int
    truncated: bool = Field(description="True when only the top-scoring accounts are included.")


class Finding(BaseModel):
    line: int
    code: str
    message: str
    where: str = Field(description="field:NAME, reference:INDEX, technique:ID or page.")


class IncidentRecord(BaseModel):
    incident: dict[str, Any] = Field(description="unmask.documents.incident.Incident.to_dict()")
    revision: str = Field(
        description="The saved record's time stamp, or draft-DIGEST for a draft never saved; send it back "
        "unchanged with a PUT."
    )
    updated_by: str | None = None
    updated_at: str | None = None
    findings: list[Finding] = []
    audit: list[dict[str, Any]] = []


class IncidentUpdate(BaseModel):
    revision: str = Field(description="The revision the edit started from (optimistic locking).")
    incident: dict[str, Any]


@router.get("/campaigns", response_model=list[CampaignRow])
def api_campaigns(
    request: Request, flt: CampaignFilter = Depends(campaign_filter), _user: SessionUser = Depends(VIEWER)
) -> list[dict[str, Any]]:
    """Campaigns with score, size, platforms, languages, time span and top targets."""
    return kept_json(app_state(request).access, ("campaigns", flt), lambda store: campaign_list(store, flt))


@router.get("/campaigns/{campaign_id}")
def api_campaign(request: Request, campaign_id: str, _user: SessionUser = Depends(VIEWER)) -> dict[str, Any]:
    """A campaign's summary (see unmask.campaigns.summary), members, evidence pairs and examples."""
    with app_state(request).access.read() as store:
        return campaign_detail(store, campaign_id)


@router.get("/campaigns/{campaign_id}/graph", response_model=Graph)
def api_graph(request: Request, campaign_id: str, _user: SessionUser = Depends(VIEWER)) -> Response:
    """The campaign's account network with layout positions in [0, 1]."""
    state = app_state(request)
    most = state.settings.graph_max_nodes
    answer = kept_bytes(
        state.access,
        ("graph", campaign_id, most),
        lambda store: (
            Graph.model_validate(campaign_graph(store, campaign_id, most)).model_dump_json().encode()
        ),
    )
    return Response(answer, media_type="application/json")


@router.get("/accounts/{acct:path}")
def api_account(request: Request, acct: str, _user: SessionUser = Depends(VIEWER)) -> dict[str, Any]:
    """An account (platform:account_id): profile, flags, weekly history, edges with evidence posts."""
    return kept_json(app_state(request).access, ("account", acct), lambda store: account_detail(store, acct))


@router.get("/search")
def api_search(
    request: Request,
    q: str = Query(..., min_length=MIN_QUERY, max_length=MAX_QUERY),
    _user: SessionUser = Depends(VIEWER),
) -> dict[str, Any]:
    """Posts and accounts containing `q` (case-insensitive), newest first, at most 50 of each."""
    return kept_json(app_state(request).access, ("search", q), lambda store: search(store, q))


def _record(request: Request, campaign_id: str) -> IncidentRecord:
    with app_state(request).access.read() as store:
        current = load_incident(store, campaign_id)
        return IncidentRecord(
            incident=current.incident.to_dict(),
            revision=current.revision,
            updated_by=current.updated_by,
            updated_at=current.updated_at.isoformat() if current.updated_at else None,
            findings=lint_incident(store, campaign_id, current.incident),
            audit=audit_trail(store.con, action_prefix="incident.", target=campaign_id),
        )


@router.get("/campaigns/{campaign_id}/incident", response_model=IncidentRecord)
def api_incident(request: Request, campaign_id: str, _user: SessionUser = Depends(VIEWER)) -> IncidentRecord:
    """The campaign's DISARM incident record (saved, or a fresh draft), with linter findings and history."""
    return _record(request, campaign_id)


@router.put("/campaigns/{campaign_id}/incident", response_model=IncidentRecord)
def api_incident_put(
    request: Request,
    campaign_id: str,
    update: IncidentUpdate,
    user: SessionUser = Depends(require(Role.ANALYST)),
) -> IncidentRecord:
    """Replace the record (analyst role). The id cannot change; a stale `revision` gets 409."""
    incident = Incident.from_dict(update.incident)
    with app_state(request).access.write() as store:
        save_incident(store, campaign_id, incident, edited_from=update.revision, user=user.name)
    return _record(request, campaign_id)
