"""Request dependencies: the app's shared state, the logged-in user, role checks and the CSRF guard.

Every route declares the least role it needs with `Depends(require(Role.X))`; the CSRF guard is
installed on the whole app, so no state-changing route can forget it. A state change must carry the
session's CSRF token (form field `csrf_token` or header `X-CSRF-Token`); the login form, which has no
session yet, carries the token of its own short-lived cookie (double submit). A request whose Origin
header names another site is refused outright.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from unmask.web.auth import LoginLimiter, Passwords, Role, SessionUser, tokens_match
from unmask.web.db import StoreAccess
from unmask.web.queries import CampaignFilter, SortKey
from unmask.web.sessions import kept_session
from unmask.web.settings import Settings
from unmask.web.templating import Renderer

SESSION_COOKIE = "unmask_session"
LOGIN_CSRF_COOKIE = "unmask_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class AppState:
    settings: Settings
    access: StoreAccess
    passwords: Passwords
    limiter: LoginLimiter
    renderer: Renderer


def app_state(request: Request) -> AppState:
    return request.app.state.unmask


def current_session(request: Request) -> SessionUser | None:
    """The session user behind the request's cookie (looked up once per request)."""
    if not hasattr(request.state, "session"):
        token = request.cookies.get(SESSION_COOKIE)
        request.state.session = kept_session(app_state(request).access, token) if token else None
    return request.state.session


def require(role: Role) -> Callable[[Request], SessionUser]:
    """A dependency admitting users of at least `role`: 401 without a session, 403 below the role."""

    def dependency(request: Request) -> SessionUser:
        user = current_session(request)
        if user is None:
            raise HTTPException(401, "login required")
        if not user.role.allows(role):
            raise HTTPException(403, f"{role.value} role required")
        return user

    dependency.__name__ = f"require_{role.value}"
    return dependency


def _same_origin(request: Request) -> bool:
    """No Origin header (non-browser clients) passes; "null" or another host does not."""
    origin = request.headers.get("origin")
    return origin is None or origin.partition("://")[2] == request.headers.get("host", "")


async def csrf_guard(request: Request) -> None:
    """Refuse a state change without the right CSRF token, or sent from another origin."""
    if request.method in SAFE_METHODS:
        return
    if not _same_origin(request):
        raise HTTPException(403, "cross-origin request refused")
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    session = await run_in_threadpool(current_session, request)
    expected = session.csrf_token if session else request.cookies.get(LOGIN_CSRF_COOKIE)
    if not tokens_match(given, expected):
        raise HTTPException(403, "missing or invalid CSRF token")


def campaign_filter(
    sort: SortKey = Query(SortKey.SCORE, description="Column to sort by."),
    order: str = Query("desc", pattern="^(asc|desc)$", description="asc or desc."),
    min_score: float | None = Query(None, ge=0, le=1, description="Lowest campaign score shown."),
    min_accounts: int | None = Query(None, ge=0, description="Fewest accounts shown."),
    platform: str | None = Query(None, max_length=64, description="Only campaigns active on this platform."),
    language: str | None = Query(None, max_length=16, description="Only campaigns posting in this language."),
) -> CampaignFilter:
    return CampaignFilter(sort, order == "desc", min_score, min_accounts, platform or None, language or None)
