"""The analyst web app: `create_app(settings)` builds it, `serve(db, host, port)` runs it with uvicorn.

Security lives in four places: `deps` (login, roles, CSRF), `auth` (passwords, sessions, rate limit),
the headers middleware below (a strict CSP without 'unsafe-inline', no framing, no sniffing, no
referrer, no caching of pages) and the templates (autoescaped; no inline script or style anywhere).
See docs/security.md for the threat model.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import unmask
from unmask.errors import InputError, NotFoundError, StoreError, UnmaskError
from unmask.store import open_store
from unmask.web.auth import LoginLimiter, Passwords, Role
from unmask.web.db import StoreAccess, StoreBusyError
from unmask.web.deps import AppState, csrf_guard, require
from unmask.web.incidents import EditConflictError
from unmask.web.routes import ROUTERS, api
from unmask.web.settings import Settings
from unmask.web.templating import Renderer
from unmask.web.warmup import start_warmup

STATIC_DIR = Path(__file__).parent / "static"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on our own form posts,
    # which the CSRF origin check refuses; nothing is sent to other sites either way.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
BUSY_RETRY_SECONDS = 5
# Typed errors to HTTP statuses, most specific first.
ERROR_STATUS: tuple[tuple[type[UnmaskError], int], ...] = (
    (StoreBusyError, 503),
    (EditConflictError, 409),
    (NotFoundError, 404),
    (InputError, 400),
)


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS to every response, and `Cache-Control: no-store` to all but static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                headers["Cache-Control"] = "no-cache" if static else "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    state: AppState = request.app.state.unmask
    response = state.renderer.page(request, "error.html", {"status": status, "message": message}, status)
    response.headers.update(headers or {})
    return response


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 401 and not _is_api(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
        return _error(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return _error(request, 422, f"invalid request: {problems}")

    @app.exception_handler(UnmaskError)
    async def unmask_error(request: Request, exc: UnmaskError) -> Response:
        status = next((code for kind, code in ERROR_STATUS if isinstance(exc, kind)), 500)
        headers = {"Retry-After": str(BUSY_RETRY_SECONDS)} if status == 503 else None
        return _error(request, status, str(exc), headers)


def _install_openapi(app: FastAPI) -> None:
    """The API's description at /api/openapi.json, behind login like every other page."""
    cache: dict[str, Any] = {}

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi(_user: Any = Depends(require(Role.VIEWER))) -> dict[str, Any]:
        if not cache:
            cache.update(
                get_openapi(
                    title="unmask API",
                    version=unmask.__version__,
                    description="Campaigns, accounts and incidents found by unmask. Log in first; send "
                    "the session's CSRF token in X-CSRF-Token with every PUT.",
                    routes=api.router.routes,
                )
            )
        return cache


def create_app(settings: Settings) -> FastAPI:
    """The app serving the store at `settings.db` (which must exist), migrated once at start."""
    if not Path(settings.db).is_file():
        raise StoreError(f"{settings.db}: no such store; run `unmask ingest` and `unmask detect` first")
    with open_store(settings.db):  # migrate once (users, sessions, audit log: v3); requests then read
        pass
    app = FastAPI(
        title="unmask",
        version=unmask.__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_guard)],
    )
    app.state.unmask = AppState(
        settings=settings,
        access=StoreAccess(settings.db, wait_seconds=settings.lock_wait_seconds),
        passwords=Passwords(settings.hash_time_cost, settings.hash_memory_kib),
        limiter=LoginLimiter(settings.login_max_failures, settings.login_window),
        renderer=Renderer(),
    )
    app.add_middleware(SecurityHeadersMiddleware)
    _install_error_handlers(app)
    _install_openapi(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the store at `db` until interrupted (the `unmask serve` verb)."""
    import uvicorn

    if host not in LOOPBACK:
        warnings.warn(
            f"serving plain HTTP on {host}: put a TLS reverse proxy in front, with "
            "Settings(cookie_secure=True)",
            stacklevel=2,
        )
    app = create_app(Settings(db=Path(db)))
    stop_warmup = start_warmup(app.state.unmask.access)
    try:
        uvicorn.run(app, host=host, port=port, server_header=False, proxy_headers=False, log_level="info")
    finally:
        stop_warmup.set()
