"""Logging in and out. Failed logins are rate limited per user name and per client address."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from unmask.web.audit import audit
from unmask.web.auth import create_session, end_session, new_token, password_hash_of
from unmask.web.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, app_state, current_session

router = APIRouter(tags=["auth"])
LOGIN_CSRF_MAX_AGE = 3600


def _safe_next(target: str | None) -> str:
    """Only a path on this site: '/x' yes; '//host', '/\\host', 'http://...' no (open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _login_page(request: Request, *, next_url: str, message: str = "", status: int = 200) -> Response:
    state = app_state(request)
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_token()
    request.state.login_csrf = token
    response = state.renderer.page(request, "login.html", {"next": next_url, "message": message}, status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=LOGIN_CSRF_MAX_AGE,
        httponly=True,
        samesite="strict",
        secure=state.settings.cookie_secure,
        path="/login",
    )
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:
    if current_session(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next_url=_safe_next(next))


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: str = Form(..., max_length=64),
    password: str = Form(..., max_length=1024),
    next: str = Form("/"),
) -> Response:
    state = app_state(request)
    client = request.client.host if request.client else "unknown"
    wait = state.limiter.retry_after(username, client)
    if wait:
        message = f"Too many failed logins. Try again in {wait} seconds."
        response = _login_page(request, next_url=_safe_next(next), message=message, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    with state.access.read() as store:
        password_hash = password_hash_of(store.con, username)
    if not state.passwords.verify(password_hash, password):
        state.limiter.failed(username, client)
        with state.access.write() as store:
            audit(store.con, None, "auth.login_failed", username, {"client": client})
        return _login_page(
            request, next_url=_safe_next(next), message="Unknown user or wrong password.", status=401
        )
    state.limiter.succeeded(username)
    with state.access.write() as store:
        token = create_session(store.con, username, state.settings.session_ttl)
        audit(store.con, username, "auth.login", username, {"client": client})
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(state.settings.session_ttl.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=state.settings.cookie_secure,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with app_state(request).access.write() as store:
            end_session(store.con, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
