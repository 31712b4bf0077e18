"""Search posts and accounts by substring (DuckDB ILIKE with a LIMIT: no extension to download)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from unmask.errors import InputError
from unmask.web.auth import Role, SessionUser
from unmask.web.deps import app_state, require
from unmask.web.queries import MAX_QUERY, search
from unmask.web.reads import kept_page

router = APIRouter(tags=["search"], include_in_schema=False)


@router.get("/search")
def search_page(
    request: Request,
    q: str = Query("", max_length=MAX_QUERY),
    _user: SessionUser = Depends(require(Role.VIEWER)),
) -> Response:
    message = ""
    if q.strip():
        try:
            return kept_page(
                request,
                "search.html",
                (q,),
                lambda store: {"q": q, "results": search(store, q), "message": ""},
            )
        except InputError as exc:
            message = str(exc)
    return app_state(request).renderer.page(
        request, "search.html", {"q": q, "results": None, "message": message}
    )
