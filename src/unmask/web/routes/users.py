"""User administration (admin role only): add users, change roles, reset passwords, disable."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from unmask.errors import InputError
from unmask.web.audit import audit, audit_trail
from unmask.web.auth import (
    Role,
    SessionUser,
    check_new_user,
    check_password,
    insert_user,
    list_users,
    set_disabled,
    set_password_hash,
    set_role,
)
from unmask.web.deps import app_state, require

router = APIRouter(prefix="/admin/users", tags=["users"], include_in_schema=False)
ADMIN = require(Role.ADMIN)


def _done() -> Response:
    return RedirectResponse("/admin/users", status_code=303)


def _not_self(admin: SessionUser, name: str, what: str) -> None:
    if name == admin.name:
        raise InputError(f"you cannot {what} your own account: ask another admin")


@router.get("")
def users_page(request: Request, _admin: SessionUser = Depends(ADMIN)) -> Response:
    state = app_state(request)
    with state.access.read() as store:
        users = list_users(store.con)
        trail = audit_trail(store.con, action_prefix="user.")
    return state.renderer.page(request, "users.html", {"users": users, "roles": list(Role), "audit": trail})


@router.post("")
def add_user_form(
    request: Request,
    name: str = Form(..., max_length=64),
    role: str = Form(...),
    password: str = Form(..., max_length=1024),
    admin: SessionUser = Depends(ADMIN),
) -> Response:
    state = app_state(request)
    parsed = check_new_user(name, role, password)
    password_hash = state.passwords.hash(password)
    with state.access.write() as store:
        insert_user(store.con, name, parsed, password_hash)
        audit(store.con, admin.name, "user.add", name, {"role": parsed.value})
    return _done()


@router.post("/{name}/role")
def change_role(
    request: Request, name: str, role: Role = Form(...), admin: SessionUser = Depends(ADMIN)
) -> Response:
    _not_self(admin, name, "change the role of")
    with app_state(request).access.write() as store:
        set_role(store.con, name, role)
        audit(store.con, admin.name, "user.role", name, {"role": role.value})
    return _done()


@router.post("/{name}/password")
def reset_password(
    request: Request,
    name: str,
    password: str = Form(..., max_length=1024),
    admin: SessionUser = Depends(ADMIN),
) -> Response:
    state = app_state(request)
    check_password(password)
    password_hash = state.passwords.hash(password)
    with state.access.write() as store:
        set_password_hash(store.con, name, password_hash)
        audit(store.con, admin.name, "user.password", name, {})
    return _done()


@router.post("/{name}/enabled")
def enable_user(
    request: Request, name: str, enabled: bool = Form(...), admin: SessionUser = Depends(ADMIN)
) -> Response:
    _not_self(admin, name, "disable")
    with app_state(request).access.write() as store:
        set_disabled(store.con, name, not enabled)
        audit(store.con, admin.name, "user.enable" if enabled else "user.disable", name, {})
    return _done()
