"""The campaign list (sortable, filterable) and a campaign's page."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from unmask.campaigns.summary import BURST_FACTOR
from unmask.store import Store
from unmask.web.auth import Role, SessionUser
from unmask.web.charts import bar_chart
from unmask.web.deps import campaign_filter, require
from unmask.web.queries import (
    CampaignFilter,
    SortKey,
    campaign_detail,
    campaign_facets,
    campaign_list,
    signal_descriptions,
)
from unmask.web.reads import kept_page
from unmask.web.routes.exports import EXPORT_FORMATS

router = APIRouter(tags=["campaigns"], include_in_schema=False)
LIST_PAGE, CAMPAIGN_PAGE = "campaigns.html", "campaign.html"


@router.get("/")
def campaigns_page(
    request: Request,
    flt: CampaignFilter = Depends(campaign_filter),
    _user: SessionUser = Depends(require(Role.VIEWER)),
) -> Response:
    return kept_page(request, LIST_PAGE, (flt,), lambda store: list_context(store, flt))


@router.get("/campaigns/{campaign_id}")
def campaign_page(
    request: Request, campaign_id: str, _user: SessionUser = Depends(require(Role.VIEWER))
) -> Response:
    return kept_page(
        request, CAMPAIGN_PAGE, (campaign_id,), lambda store: campaign_context(store, campaign_id)
    )


def list_context(store: Store, flt: CampaignFilter) -> dict[str, Any]:
    return {
        "rows": campaign_list(store, flt),
        "facets": campaign_facets(store),
        "flt": flt,
        "sort_keys": list(SortKey),
        "formats": EXPORT_FORMATS,
    }


def campaign_context(store: Store, campaign_id: str) -> dict[str, Any]:
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
    return {
        "c": campaign,
        "timeline": timeline,
        "formats": EXPORT_FORMATS,
        "signal_help": signal_descriptions(),
        "signal_counts": signal_counts,
        "burst_factor": BURST_FACTOR,
    }
