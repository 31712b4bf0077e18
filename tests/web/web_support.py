"""Helpers for the web tests: the planted store with hostile text, users, and logged-in clients.

(A module rather than conftest.py so that test modules can import it: test folders are not packages.)
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from unmask.campaigns.detect import detect
from unmask.store import open_store
from unmask.web import Role, Settings
from unmask.web.auth import Passwords, insert_user

PASSWORD = "correct horse battery"
USERS = {"viewer": Role.VIEWER, "analyst": Role.ANALYST, "admin": Role.ADMIN, "target": Role.VIEWER}
ROLE_ORDER: tuple[str | None, ...] = (None, "viewer", "analyst", "admin")  # None: anonymous
CHEAP_HASH = {"hash_time_cost": 1, "hash_memory_kib": 1024}
ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts"

HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE_HANDLE = '"><svg onload=window.__pwned=1>'
HOSTILE_URL = "javascript:window.__pwned=1"
HOSTILE_TEXTS = (HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_HANDLE)


def _load_build_planted() -> Any:
    """tests/campaigns/conftest.py's planted scenario (test folders are not packages: load by path)."""
    path = Path(__file__).resolve().parents[1] / "campaigns" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_campaigns_planted", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_planted


@dataclass(frozen=True)
class Planted:
    """What the store holds that tests look for."""

    path: Path
    campaign_id: str  # the top campaign, with the hostile account in it
    hostile_acct: str  # platform:account_id of the member carrying hostile profile and posts
    other_campaign_id: str

    def copy_to(self, folder: Path) -> Planted:
        target = folder / "store.duckdb"
        shutil.copyfile(self.path, target)
        return Planted(target, self.campaign_id, self.hostile_acct, self.other_campaign_id)


def build_store(path: Path) -> Planted:
    """The planted scenario, detected, with hostile text in the top campaign and one user per role."""
    with open_store(path) as store:
        _load_build_planted()(store)
        detect(store)
    return _plant_hostile(path)


def _plant_hostile(path: Path) -> Planted:
    with open_store(path) as store:
        con = store.con
        top, other = [
            row[0]
            for row in con.execute("SELECT campaign_id FROM campaigns ORDER BY score DESC LIMIT 2").fetchall()
        ]
        platform, account_id = con.execute(
            "SELECT platform, account_id FROM campaign_accounts WHERE campaign_id = ? "
            "ORDER BY score DESC, account_id LIMIT 1",
            [top],
        ).fetchone()
        con.execute(
            "UPDATE accounts SET handle = ?, display_name = ?, bio = ?, profile_url = ? "
            "WHERE platform = ? AND account_id = ?",
            [HOSTILE_HANDLE, HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_URL, platform, account_id],
        )
        for i, text in enumerate(HOSTILE_TEXTS):
            con.execute(
                "INSERT INTO posts (platform, post_id, account_id, created_at, text, lang, urls) "
                "VALUES (?, ?, ?, ?, ?, 'en', ?)",
                [platform, f"hostile{i}", account_id, datetime(2023, 9, 21, 12, i), text, [HOSTILE_URL]],
            )
        # The campaign's first evidence pair and its first narrative quote hostile text too.
        post_a = con.execute(
            """SELECT e.post_a FROM evidence e JOIN campaign_accounts c
                 ON c.platform || ':' || c.account_id = e.a AND c.campaign_id = ?
               ORDER BY e.ts_a, e.signal, e.post_a, e.post_b LIMIT 1""",
            [top],
        ).fetchone()[0]
        con.execute("UPDATE posts SET text = ? WHERE post_id = ?", [HOSTILE_IMG, post_a])
        raw = con.execute("SELECT summary FROM campaigns WHERE campaign_id = ?", [top]).fetchone()[0]
        summary = json.loads(raw)
        if summary["narratives"]:
            summary["narratives"][0]["example"] = HOSTILE_SCRIPT
        summary["targets"][0]["handle"] = HOSTILE_HANDLE
        con.execute("UPDATE campaigns SET summary = ? WHERE campaign_id = ?", [json.dumps(summary), top])
        passwords = Passwords(CHEAP_HASH["hash_time_cost"], CHEAP_HASH["hash_memory_kib"])
        for name, role in USERS.items():
            insert_user(con, name, role, passwords.hash(PASSWORD))
    return Planted(path, top, f"{platform}:{account_id}", other)


def make_settings(db: Path, **overrides: Any) -> Settings:
    return Settings(db=db, **{**CHEAP_HASH, **overrides})


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class Session:
    """A TestClient, logged in as `user` (or anonymous), with its CSRF token at hand."""

    def __init__(self, app: FastAPI, user: str | None, base_url: str = "http://testserver") -> None:
        self.client = TestClient(app, follow_redirects=False, base_url=base_url)
        self.user = user
        self.csrf = self.login_csrf()
        if user is not None:
            response = self.login(user, PASSWORD)
            assert response.status_code == 303, response.text
            self.csrf = CSRF_META.search(self.client.get("/search").text).group(1)

    def login_csrf(self) -> str:
        """The login form's token (and its cookie, now in this client's jar)."""
        return CSRF_FIELD.search(self.client.get("/login").text).group(1)

    def login(self, user: str, password: str, token: str | None = None) -> Any:
        data = {"username": user, "password": password, "csrf_token": token or self.csrf}
        return self.client.post("/login", data=data)

    def post(self, path: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})})

    def put_json(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.put(path, json=body, headers={"X-CSRF-Token": self.csrf})


def expire_sessions(db: Path, user: str) -> None:
    """Move a user's sessions' expiry into the past, as if the TTL had passed."""
    with open_store(db) as store:
        store.con.execute(
            "UPDATE sessions SET expires_at = ? WHERE user_name = ?",
            [datetime.now() - timedelta(days=2), user],
        )
