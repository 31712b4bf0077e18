"""An account's page: profile, history over time (hijack marked), languages, edges with evidence."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from unmask.web.auth import Role, SessionUser
from unmask.web.charts import Chart, bar_chart
from unmask.web.deps import app_state, require
from unmask.web.queries import account_detail

router = APIRouter(tags=["accounts"], include_in_schema=False)
LANGUAGE_CLASSES = 8  # the stylesheet colours lang-0 ... lang-7; rarer languages share lang-other


def history_chart(account: dict[str, Any]) -> tuple[Chart, dict[str, str]]:
    """Posts per week coloured by the week's language, with the hijack point marked; and the legend."""
    classes = {
        language: f"lang-{i}" if i < LANGUAGE_CLASSES else "lang-other"
        for i, language in enumerate(account["languages"])
    }
    history = account["history"]
    resumed = account["hijack_resumed"]
    marker = None
    if resumed:
        marker = next((i for i, week in enumerate(history) if week["week"] > resumed[:10]), len(history)) - 1
    points = [(week["week"], week["posts"], classes.get(week["language"], "")) for week in history]
    return bar_chart(points, marker_index=marker), classes


@router.get("/accounts/{acct:path}")
def account_page(request: Request, acct: str, _user: SessionUser = Depends(require(Role.VIEWER))) -> Response:
    state = app_state(request)
    with state.access.read() as store:
        account = account_detail(store, acct)
    chart, legend = history_chart(account)
    context = {"a": account, "chart": chart, "legend": legend}
    return state.renderer.page(request, "account.html", context)
