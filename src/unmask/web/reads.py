"""The app's reads, kept per data version (web/db.py, web/cache.py): pages as rendered blocks
(web/page_parts.py), API answers as JSON.

Every result kept here is the same for every user allowed to ask for it (pages and answers need the
viewer role and show no user data; what does differ by user, the layout, is rendered per request), and
is kept under the store's data version, so a new ingest or detection run is seen on the next request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from unmask.store import Store
from unmask.web.cache import ResultCache
from unmask.web.db import StoreAccess
from unmask.web.deps import app_state
from unmask.web.page_parts import page_parts

PAGES = ResultCache(max_items=256, max_bytes=128 << 20)  # a 1M-post campaign page is 1.3 MB
ANSWERS = ResultCache(max_items=512, max_bytes=64 << 20)


def kept_parts(
    access: StoreAccess,
    template: str,
    key: tuple[Hashable, ...],
    build_context: Callable[[Store], dict[str, Any]],
) -> dict[str, bytes]:
    """The blocks of page `template` for the context `build_context(store)` gives, rendered once per data
    version and `key` (which must name everything the context depends on besides the store)."""
    return access.cached(
        PAGES, (template, *key), lambda store: page_parts.render(template, build_context(store))
    )


def kept_page(
    request: Request,
    template: str,
    key: tuple[Hashable, ...],
    build_context: Callable[[Store], dict[str, Any]],
) -> HTMLResponse:
    """Page `template` (see kept_parts) in the layout, for the request's user."""
    state = app_state(request)
    parts = kept_parts(state.access, template, key, build_context)
    return page_parts.page(state.renderer, request, parts)


def kept_json(access: StoreAccess, key: tuple[Hashable, ...], build: Callable[[Store], Any]) -> Any:
    """`build(store)` once per data version and `key`; each caller gets its own copy."""
    return json.loads(access.cached(ANSWERS, key, lambda store: json.dumps(build(store))))


def kept_bytes(access: StoreAccess, key: tuple[Hashable, ...], build: Callable[[Store], bytes]) -> bytes:
    """`build(store)`, an encoded answer, once per data version and `key`."""
    return access.cached(ANSWERS, key, build)
