"""The campaign list (sortable, filterable) and a campaign's page."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from unmask.campaigns.summary import BURST_FACTOR
from unmask.web.auth import Role, SessionUser
from unmask.web.charts import bar_chart
from unmask.web.deps import app_state, campaign_filter, require
from unmask.web.queries import (
    CampaignFilter,
    SortKey,
    campaign_detail,
    campaign_facets,
    campaign_list,
    signal_descriptions,
)
from unmask.web.routes.exports import EXPORT_FORMATS

router = APIRouter(tags=["campaigns"], include_in_schema=False)


@router.get("/")
def campaigns_page(
    request: Request,
    flt: CampaignFilter = Depends(campaign_filter),
    _user: SessionUser = Depends(require(Role.VIEWER)),
) -> Response:
    state = app_state(request)
    with state.access.read() as store:
        rows = campaign_list(store, flt)
        facets = campaign_facets(store)
    context = {
        "rows": rows,
        "facets": facets,
        "flt": flt,
        "sort_keys": list(SortKey),
        "formats": EXPORT_FORMATS,
    }
    return state.renderer.page(request, "campaigns.html", context)


@router.get("/campaigns/{campaign_id}")
def campaign_page(
    request: Request, campaign_id: str, _user: SessionUser = Depends(require(Role.VIEWER))
) -> Response:
    state = app_state(request)
    with state.access.read() as store:
        campaign = campaign_detail(store, campaign_id)
    burst_days = {
        day["day"]
        for burst in campaign.get("bursts", [])
        for day in campaign.get("volume", [])
        if burst["start"] <= day["day"] <= burst["end"]
    }
    timeline = bar_chart(
        [
            (d["day"], d["posts"], "burst" if d["day"] in burst_days else "")
            for d in campaign.get("volume", [])
        ]
    )
    signal_counts = Counter(s for m in campaign["members"] for s in m["signals"])
    context = {
        "c": campaign,
        "timeline": timeline,
        "formats": EXPORT_FORMATS,
        "signal_help": signal_descriptions(),
        "signal_counts": signal_counts,
        "burst_factor": BURST_FACTOR,
    }
    return state.renderer.page(request, "campaign.html", context)
