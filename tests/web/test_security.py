"""CSRF on every state change, sessions (expiry, logout, fixation, revocation), login rate limiting,
security headers, and the no-inline-code rule that lets the CSP forbid 'unsafe-inline'."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_access import MATRIX, _url
from web_support import PASSWORD, Planted, Session, expire_sessions, make_settings

from unmask.store import open_store
from unmask.web import create_app
from unmask.web.app import CSP
from unmask.web.templating import TEMPLATE_DIR

STATE_CHANGES = [c for c in MATRIX if c.method not in ("GET", "HEAD", "OPTIONS")]
STATIC_DIR = TEMPLATE_DIR.parent / "static"


def _send(session: Session, case, planted: Planted, token: str | None):
    body = case.body(session, planted) if case.body else {}
    url = _url(case, planted)
    if case.as_json:
        headers = {"X-CSRF-Token": token} if token is not None else {}
        return session.client.request(case.method, url, json=body, headers=headers)
    data = {**body, **({"csrf_token": token} if token is not None else {})}
    return session.client.request(case.method, url, data=data)


@pytest.fixture(scope="module")
def admin(shared_app: FastAPI) -> Session:
    return Session(shared_app, "admin")


@pytest.mark.parametrize("token", [None, "forged-token"], ids=["missing", "wrong"])
@pytest.mark.parametrize("case", STATE_CHANGES, ids=lambda c: f"{c.method} {c.route}")
def test_state_changes_need_the_csrf_token(
    case, token: str | None, admin: Session, shared_planted: Planted
) -> None:
    """As admin, allowed everywhere: only the token is missing or wrong, so only CSRF can refuse."""
    session = admin
    response = _send(session, case, shared_planted, token)
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert session.client.get("/api/campaigns").status_code == 200  # the session itself is still fine


def test_another_sessions_token_is_refused(shared_app: FastAPI, shared_planted: Planted) -> None:
    mine, theirs = Session(shared_app, "analyst"), Session(shared_app, "analyst")
    assert mine.csrf != theirs.csrf
    response = mine.client.post("/logout", data={"csrf_token": theirs.csrf})
    assert response.status_code == 403


def test_login_form_needs_its_own_token(shared_app: FastAPI) -> None:
    session = Session(shared_app, None)
    response = session.client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 403
    assert session.login("viewer", PASSWORD, token="not-the-cookie").status_code == 403
    assert session.login("viewer", PASSWORD).status_code == 303


def test_cross_origin_post_is_refused_even_with_the_token(shared_app: FastAPI) -> None:
    session = Session(shared_app, "admin")
    response = session.client.post(
        "/logout", data={"csrf_token": session.csrf}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    same = session.client.post(
        "/logout", data={"csrf_token": session.csrf}, headers={"Origin": "http://testserver"}
    )
    assert same.status_code == 303


def test_session_cookie_flags(shared_app: FastAPI) -> None:
    session = Session(shared_app, None)
    response = session.login("viewer", PASSWORD)
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "unmask_session" in v)
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Path=/" in cookie


def test_secure_cookie_setting(planted: Planted) -> None:
    app = create_app(make_settings(planted.path, cookie_secure=True))
    session = Session(app, None, base_url="https://testserver")
    response = session.login("viewer", PASSWORD)
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "unmask_session" in v)
    assert "Secure" in cookie


def test_expired_session_is_logged_out(app: FastAPI, planted: Planted, login: Callable) -> None:
    session = login("viewer")
    assert session.client.get("/").status_code == 200
    expire_sessions(planted.path, "viewer")
    response = session.client.get(f"/campaigns/{planted.campaign_id}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/campaigns/{planted.campaign_id}"
    assert session.client.get("/api/campaigns").status_code == 401


def test_session_lifetime_comes_from_settings(planted: Planted) -> None:
    app = create_app(make_settings(planted.path, session_ttl=timedelta(minutes=3)))
    response = Session(app, None).login("viewer", PASSWORD)
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "unmask_session" in v)
    assert "Max-Age=180" in cookie


def test_logout_ends_the_session_server_side(login: Callable) -> None:
    session = login("analyst")
    token = session.client.cookies.get("unmask_session")
    assert session.post("/logout").status_code == 303
    replay = TestClient(session.client.app, follow_redirects=False)
    replay.cookies.set("unmask_session", token)
    assert replay.get("/api/campaigns").status_code == 401


def test_each_login_gets_a_new_session(app: FastAPI) -> None:
    first = Session(app, "viewer")
    second = Session(app, "viewer")
    assert first.client.cookies.get("unmask_session") != second.client.cookies.get("unmask_session")
    assert first.client.get("/api/campaigns").status_code == 200  # both stay valid


def test_disabling_or_demoting_a_user_applies_at_once(login: Callable, planted: Planted) -> None:
    admin, analyst, target = login("admin"), login("analyst"), login("target")
    path = f"/api/campaigns/{planted.campaign_id}/incident"
    record = analyst.client.get(path).json()
    body = {"revision": record["revision"], "incident": record["incident"]}
    assert admin.post("/admin/users/analyst/role", {"role": "viewer"}).status_code == 303
    assert analyst.put_json(path, body).status_code == 403
    assert admin.post("/admin/users/analyst/role", {"role": "analyst"}).status_code == 303
    assert analyst.put_json(path, body).status_code == 200
    assert admin.post("/admin/users/target/enabled", {"enabled": "false"}).status_code == 303
    assert target.client.get("/api/campaigns").status_code == 401
    assert Session(admin.client.app, None).login("target", PASSWORD).status_code == 401


def test_password_reset_ends_sessions(login: Callable) -> None:
    admin, target = login("admin"), login("target")
    assert admin.post("/admin/users/target/password", {"password": "a brand new secret"}).status_code == 303
    assert target.client.get("/api/campaigns").status_code == 401
    fresh = Session(admin.client.app, None)
    assert fresh.login("target", PASSWORD).status_code == 401
    assert fresh.login("target", "a brand new secret").status_code == 303


def test_login_rate_limit_per_user(planted: Planted) -> None:
    app = create_app(make_settings(planted.path, login_max_failures=3))
    attacker = Session(app, None)
    for _ in range(3):
        assert attacker.login("viewer", "wrong password!").status_code == 401
    blocked = attacker.login("viewer", PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "Too many failed logins" in blocked.text
    assert attacker.login("analyst", PASSWORD).status_code == 303  # other names are not locked out


def test_login_rate_limit_per_client(planted: Planted) -> None:
    app = create_app(make_settings(planted.path, login_max_failures=2))
    attacker = Session(app, None)
    for i in range(8):  # 4 x 2 failures spread over names: the client is then blocked for every name
        assert attacker.login(f"nobody{i}", "wrong password!").status_code == 401
    assert attacker.login("viewer", PASSWORD).status_code == 429


def test_login_rate_limit_window_passes(planted: Planted) -> None:
    app = create_app(make_settings(planted.path, login_max_failures=1, login_window=timedelta(seconds=1)))
    attacker = Session(app, None)
    assert attacker.login("viewer", "wrong password!").status_code == 401
    assert attacker.login("viewer", PASSWORD).status_code == 429
    time.sleep(1.1)
    assert attacker.login("viewer", PASSWORD).status_code == 303


def test_failed_logins_are_audited(planted: Planted, login: Callable) -> None:
    anonymous = login(None)
    assert anonymous.login("viewer", "wrong password!").status_code == 401
    with open_store(planted.path, read_only=True) as store:
        rows = store.con.execute("SELECT action, target FROM audit_log WHERE action LIKE 'auth.%'").fetchall()
    assert ("auth.login_failed", "viewer") in rows


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(target: str, app: FastAPI) -> None:
    session = Session(app, None)
    response = session.client.post(
        "/login",
        data={"username": "viewer", "password": PASSWORD, "csrf_token": session.csrf, "next": target},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_login_returns_to_the_page_asked_for(app: FastAPI, planted: Planted) -> None:
    session = Session(app, None)
    first = session.client.get(f"/campaigns/{planted.campaign_id}")
    assert first.headers["location"] == f"/login?next=/campaigns/{planted.campaign_id}"
    form = session.client.get(first.headers["location"]).text
    assert f'name="next" value="/campaigns/{planted.campaign_id}"' in form
    response = session.client.post(
        "/login",
        data={
            "username": "viewer",
            "password": PASSWORD,
            "csrf_token": session.csrf,
            "next": f"/campaigns/{planted.campaign_id}",
        },
    )
    assert response.headers["location"] == f"/campaigns/{planted.campaign_id}"


@pytest.mark.parametrize(
    "path", ["/login", "/", "/api/campaigns", "/static/app.css", "/campaigns/C001", "/no-such-page"]
)
def test_security_headers_on_every_response(path: str, shared_app: FastAPI) -> None:
    response = Session(shared_app, "viewer").client.get(path)
    headers = response.headers
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == ("no-cache" if path.startswith("/static/") else "no-store")


def test_csp_is_strict() -> None:
    directives = dict(d.split(" ", 1) for d in CSP.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'none'"
    assert "unsafe" not in CSP
    assert "http" not in CSP  # no external origin is allowed at all


def _files(folder: Path, suffix: str) -> list[Path]:
    found = sorted(folder.rglob(f"*{suffix}"))
    assert found
    return found


@pytest.mark.parametrize("template", _files(TEMPLATE_DIR, ".html"), ids=lambda p: p.name)
def test_templates_hold_no_inline_code(template: Path) -> None:
    """What the CSP would block anyway must not be written: no inline script, style or handler."""
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text)
    assert "|safe" not in text and "Markup(" not in text and "autoescape false" not in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing from another host


@pytest.mark.parametrize("script", _files(STATIC_DIR, ".js"), ids=lambda p: p.name)
def test_scripts_never_write_markup(script: Path) -> None:
    text = script.read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in text
    assert ".style." not in text and 'setAttribute("style"' not in text
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text)  # no request to another host


def test_docs_and_openapi_do_not_load_from_cdns(shared_app: FastAPI) -> None:
    anonymous = Session(shared_app, None)
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert anonymous.client.get(path).status_code == 404
    assert anonymous.client.get("/api/openapi.json").status_code == 401
