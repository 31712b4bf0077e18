"""Users: `add_user` (the `unmask user add` verb), roles, argon2 hashes, and the admin page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from web_support import PASSWORD, Planted, Session

from unmask.errors import InputError
from unmask.store import open_store
from unmask.web import Role, add_user, create_app
from unmask.web.auth import Passwords
from unmask.web.settings import Settings


def test_add_user_creates_an_argon2id_login(planted: Planted) -> None:
    add_user(planted.path, "carol", "analyst", "a long enough password")
    with open_store(planted.path, read_only=True) as store:
        role, password_hash = store.con.execute(
            "SELECT role, password_hash FROM users WHERE name = 'carol'"
        ).fetchone()
        audit = store.con.execute("SELECT action, target FROM audit_log WHERE action = 'user.add'").fetchall()
    assert role == "analyst"
    assert password_hash.startswith("$argon2id$") and "a long enough password" not in password_hash
    assert ("user.add", "carol") in audit
    app = create_app(Settings(db=planted.path))  # default (production) hashing cost
    assert Session(app, None).login("carol", "a long enough password").status_code == 303


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("viewer", "viewer", "a long enough password", "already exists"),
        ("bad name", "viewer", "a long enough password", "user name"),
        ("-dash", "viewer", "a long enough password", "user name"),
        ("dave", "superuser", "a long enough password", "role"),
        ("dave", "viewer", "short", "too short"),
    ],
)
def test_add_user_rejects(name: str, role: str, password: str, message: str, planted: Planted) -> None:
    with pytest.raises(InputError, match=message):
        add_user(planted.path, name, role, password)


def test_roles_are_ordered() -> None:
    assert [r.value for r in Role] == ["viewer", "analyst", "admin"]
    allowed = {(have, need) for have in Role for need in Role if have.allows(need)}
    assert allowed == {
        (Role.VIEWER, Role.VIEWER),
        (Role.ANALYST, Role.VIEWER),
        (Role.ANALYST, Role.ANALYST),
        (Role.ADMIN, Role.VIEWER),
        (Role.ADMIN, Role.ANALYST),
        (Role.ADMIN, Role.ADMIN),
    }


def test_password_verification() -> None:
    passwords = Passwords(time_cost=1, memory_kib=1024)
    stored = passwords.hash(PASSWORD)
    assert passwords.verify(stored, PASSWORD)
    assert not passwords.verify(stored, PASSWORD + "!")
    assert not passwords.verify(None, PASSWORD)  # unknown user: same work, never a match
    assert not passwords.verify("not a hash", PASSWORD)


def test_admin_adds_a_user_who_can_log_in(login: Callable) -> None:
    admin = login("admin")
    response = admin.post("/admin/users", {"name": "erin", "role": "analyst", "password": "erin's password!"})
    assert response.status_code == 303
    page = admin.client.get("/admin/users").text
    assert "<td>erin</td>" in page and "user.add" in page
    erin = Session(admin.client.app, None)
    assert erin.login("erin", "erin's password!").status_code == 303
    assert (
        admin.post("/admin/users", {"name": "erin", "role": "viewer", "password": "x" * 12}).status_code
        == 400
    )
    assert (
        admin.post("/admin/users", {"name": "frank", "role": "viewer", "password": "short"}).status_code
        == 400
    )


def test_admin_cannot_lock_themselves_out(login: Callable) -> None:
    admin = login("admin")
    demote = admin.post("/admin/users/admin/role", {"role": "viewer"})
    assert demote.status_code == 400 and "your own account" in demote.text
    assert admin.post("/admin/users/admin/enabled", {"enabled": "false"}).status_code == 400
    assert admin.client.get("/admin/users").status_code == 200


def test_admin_actions_on_unknown_users(login: Callable) -> None:
    admin = login("admin")
    assert admin.post("/admin/users/nobody/role", {"role": "viewer"}).status_code == 404
    assert admin.post("/admin/users/nobody/role", {"role": "emperor"}).status_code == 422


def test_user_names_are_escaped_on_the_admin_page(login: Callable) -> None:
    admin = login("admin")
    page = admin.client.get("/admin/users").text
    assert 'action="/admin/users/target/role"' in page
    assert (
        admin.post("/admin/users", {"name": "<b>x", "role": "viewer", "password": "x" * 12}).status_code
        == 400
    )
