"""The access-control matrix: every route of the app x anonymous, viewer, analyst, admin, from ONE table.

A route missing from the table fails `test_table_covers_every_route`, so a new route cannot ship without
a decision on who may use it. State-changing cases are written so that their order does not matter
(unique names, the current revision fetched first); the two that end a session get a login of their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from web_support import PASSWORD, ROLE_ORDER, Planted, Session

from unmask.web import Role
from unmask.web.routes import ROUTERS

Body = Callable[[Session, Planted], dict[str, Any]]  # form fields, or the JSON body


def _revision(session: Session, planted: Planted) -> str:
    response = session.client.get(f"/api/campaigns/{planted.campaign_id}/incident")
    return response.json()["revision"] if response.status_code == 200 else ""


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # the route's path template, exactly as the app declares it
    least: Role | None  # the least role allowed; None: public
    ok: tuple[int, ...] = (200,)
    body: Body | None = None
    as_json: bool = False
    query: str = ""
    fresh: bool = False  # the case ends or replaces its session: give it a login of its own


MATRIX: tuple[Case, ...] = (
    Case("GET", "/login", None, ok=(200, 303)),
    Case(
        "POST",
        "/login",
        None,
        ok=(303,),
        body=lambda _s, _p: {"username": "viewer", "password": PASSWORD},
        fresh=True,
    ),
    Case("POST", "/logout", Role.VIEWER, ok=(303,), body=lambda _s, _p: {}, fresh=True),
    Case("GET", "/", Role.VIEWER, query="?sort=posts&order=asc"),
    Case("GET", "/campaigns/{campaign_id}", Role.VIEWER),
    Case("GET", "/accounts/{acct:path}", Role.VIEWER),
    Case("GET", "/search", Role.VIEWER, query="?q=cam"),
    Case("GET", "/campaigns/{campaign_id}/incident", Role.VIEWER),
    Case(
        "POST",
        "/campaigns/{campaign_id}/incident",
        Role.ANALYST,
        ok=(303,),
        body=lambda s, p: {"revision": _revision(s, p), "notes_below_line": f"note {uuid.uuid4()}"},
    ),
    Case("GET", "/campaigns/{campaign_id}/exports/{fmt}", Role.VIEWER),
    Case("GET", "/exports/{fmt}", Role.VIEWER),
    Case("GET", "/admin/users", Role.ADMIN),
    Case(
        "POST",
        "/admin/users",
        Role.ADMIN,
        ok=(303,),
        body=lambda _s, _p: {"name": f"u{uuid.uuid4().hex[:8]}", "role": "viewer", "password": "x" * 16},
    ),
    Case("POST", "/admin/users/{name}/role", Role.ADMIN, ok=(303,), body=lambda _s, _p: {"role": "analyst"}),
    Case(
        "POST",
        "/admin/users/{name}/password",
        Role.ADMIN,
        ok=(303,),
        body=lambda _s, _p: {"password": "y" * 16},
    ),
    Case(
        "POST", "/admin/users/{name}/enabled", Role.ADMIN, ok=(303,), body=lambda _s, _p: {"enabled": "true"}
    ),
    Case("GET", "/api/openapi.json", Role.VIEWER),
    Case("GET", "/api/campaigns", Role.VIEWER, query="?min_score=0.1"),
    Case("GET", "/api/campaigns/{campaign_id}", Role.VIEWER),
    Case("GET", "/api/campaigns/{campaign_id}/graph", Role.VIEWER),
    Case("GET", "/api/accounts/{acct:path}", Role.VIEWER),
    Case("GET", "/api/search", Role.VIEWER, query="?q=cam"),
    Case("GET", "/api/campaigns/{campaign_id}/incident", Role.VIEWER),
    Case(
        "PUT",
        "/api/campaigns/{campaign_id}/incident",
        Role.ANALYST,
        as_json=True,
        body=lambda s, p: _put_body(s, p),
    ),
    Case("GET", "/static/{path:path}", None),
)


def _put_body(session: Session, planted: Planted) -> dict[str, Any]:
    response = session.client.get(f"/api/campaigns/{planted.campaign_id}/incident")
    if response.status_code != 200:
        return {"revision": "draft-unknown", "incident": {"id": "x", "name": "x"}}
    record = response.json()
    record["incident"]["notes_below_line"] = f"api note {uuid.uuid4()}"
    return {"revision": record["revision"], "incident": record["incident"]}


def _url(case: Case, planted: Planted) -> str:
    values = {
        "{campaign_id}": planted.campaign_id,
        "{acct:path}": planted.hostile_acct,
        "{fmt}": "csv",
        "{name}": "target",
        "{path:path}": "app.css",
    }
    url = case.route
    for key, value in values.items():
        url = url.replace(key, value)
    return url + case.query


def _app_routes() -> set[tuple[str, str]]:
    routes = {("GET", "/api/openapi.json"), ("GET", "/static/{path:path}")}
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            routes |= {(method, route.path) for method in route.methods}
    return routes


def test_table_covers_every_route() -> None:
    assert {(c.method, c.route) for c in MATRIX} == _app_routes()


def _denied(response: Any) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 303 and response.headers["location"].startswith("/login?next=")


@pytest.fixture(scope="module")
def sessions(shared_app: FastAPI) -> dict[str | None, Session]:
    """One logged-in client per role, reused by the cases that keep their session."""
    return {role: Session(shared_app, role) for role in ROLE_ORDER}


@pytest.mark.parametrize("role", ROLE_ORDER)
@pytest.mark.parametrize("case", MATRIX, ids=lambda c: f"{c.method} {c.route}")
def test_access(
    case: Case,
    role: str | None,
    shared_app: FastAPI,
    shared_planted: Planted,
    sessions: dict[str | None, Session],
) -> None:
    session = Session(shared_app, role) if case.fresh else sessions[role]
    body = case.body(session, shared_planted) if case.body else None
    url = _url(case, shared_planted)
    if case.method == "GET":
        response = session.client.get(url)
    elif case.as_json:
        response = session.client.request(case.method, url, json=body, headers={"X-CSRF-Token": session.csrf})
    else:
        response = session.client.request(case.method, url, data={"csrf_token": session.csrf, **(body or {})})
    allowed = case.least is None or (role is not None and Role(role).allows(case.least))
    if allowed:
        assert response.status_code in case.ok, (response.status_code, response.text[:300])
        assert not _denied(response)
    else:
        assert _denied(response), (response.status_code, response.text[:300])
        expected = 403 if role is not None or case.method != "GET" else (401 if "/api/" in url else 303)
        assert response.status_code == expected
