"""Jinja2 rendering with autoescape always on, and the filters templates use to build safe links.

Templates never mark attacker text as safe; links to accounts and campaigns are built from
percent-encoded path segments, and a URL from the data becomes a link only when it is http(s).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

TEMPLATE_DIR = Path(__file__).parent / "templates"


def path_segment(value: object) -> str:
    """One URL path segment: every reserved character (including '/') percent-encoded."""
    return quote(str(value), safe=":@")


def http_url(value: object) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (javascript:, data:, relative ...)."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def short_time(value: str | datetime | None) -> str:
    """ISO timestamps as 'YYYY-MM-DD HH:MM' for tables."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return text.replace("T", " ")[:16]


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(seg=path_segment, http_url=http_url, short_time=short_time)
    return env


class Renderer:
    """Renders a page template with the request's user and CSRF token in its context."""

    def __init__(self) -> None:
        self.env = make_environment()

    def page(self, request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        session = getattr(request.state, "session", None)
        base = {
            "request_path": request.url.path,
            "user": session,
            "csrf_token": session.csrf_token if session else getattr(request.state, "login_csrf", ""),
        }
        html = self.env.get_template(name).render({**base, **context})
        return HTMLResponse(html, status_code=status)
