"""An account's page: profile, history over time (hijack marked), languages, edges with evidence."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from unmask.store import Store
from unmask.web.auth import Role, SessionUser
from unmask.web.charts import Chart, bar_chart
from unmask.web.deps import require
from unmask.web.queries import account_detail
from unmask.web.reads import kept_page

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
    return kept_page(request, "account.html", (acct,), lambda store: account_context(store, acct))


def account_context(store: Store, acct: str) -> dict[str, Any]:
    account = account_detail(store, acct)
    chart, legend = history_chart(account)
    return {"a": account, "chart": chart, "legend": legend}
