"""Users, roles, passwords, server-side sessions, CSRF tokens and login rate limiting.

Passwords are argon2id hashes (argon2-cffi). A login creates a session row keyed by the SHA-256 of a
random token that only the browser's cookie holds, so a copy of the store does not hand out logins; the
row also holds the session's CSRF token and its absolute expiry. Roles are re-read from `users` on every
request, so demoting or disabling a user takes effect at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from unmask.errors import InputError, NotFoundError
from unmask.store import open_store
from unmask.web.audit import audit, utcnow

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MIN_PASSWORD_LENGTH = 12


class Role(StrEnum):
    """viewer reads; analyst also edits incidents; admin also manages users."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True)
class SessionUser:
    """The user behind a valid session cookie."""

    name: str
    role: Role
    csrf_token: str
    expires_at: datetime


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_match(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; a missing token never matches."""
    return bool(given) and bool(expected) and secrets.compare_digest(str(given), str(expected))


class Passwords:
    """argon2id hashing with a fixed cost; verifying an unknown user costs as much as a known one."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False


def check_new_user(name: str, role: str, password: str) -> Role:
    """Validate what `add_user` and the admin page accept; return the role."""
    if not NAME_PATTERN.fullmatch(name):
        raise InputError(f"user name {name!r}: use 1-64 letters, digits, '.', '_' or '-'")
    try:
        parsed = Role(role)
    except ValueError as exc:
        raise InputError(f"role {role!r}: expected one of {', '.join(Role)}") from exc
    check_password(password)
    return parsed


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")


def insert_user(con: duckdb.DuckDBPyConnection, name: str, role: Role, password_hash: str) -> None:
    if con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        raise InputError(f"user {name!r} already exists")
    con.execute(
        "INSERT INTO users (name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, FALSE, ?)",
        [name, role.value, password_hash, utcnow()],
    )


def add_user(store_path: str | Path, name: str, role: str, password: str) -> None:
    """Create a user in the store at `store_path` (the `unmask user add` verb)."""
    parsed = check_new_user(name, role, password)
    password_hash = Passwords().hash(password)
    with open_store(store_path) as store:
        insert_user(store.con, name, parsed, password_hash)
        audit(store.con, None, "user.add", name, {"role": parsed.value, "via": "command line"})


def password_hash_of(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The hash of an enabled user, or None."""
    row = con.execute("SELECT password_hash FROM users WHERE name = ? AND NOT disabled", [name]).fetchone()
    return row[0] if row else None


def create_session(con: duckdb.DuckDBPyConnection, name: str, ttl: timedelta) -> str:
    """Store a new session for `name`; return the cookie token (only its digest is stored)."""
    token = new_token()
    now = utcnow()
    con.execute("DELETE FROM sessions WHERE expires_at <= ?", [now])
    con.execute(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
        [token_digest(token), name, new_token(), now, now + ttl],
    )
    return token


def session_user(con: duckdb.DuckDBPyConnection, token: str | None) -> SessionUser | None:
    """The enabled user of an unexpired session, or None."""
    if not token:
        return None
    row = con.execute(
        """SELECT u.name, u.role, s.csrf_token, s.expires_at
           FROM sessions s JOIN users u ON u.name = s.user_name
           WHERE s.token_sha256 = ? AND s.expires_at > ? AND NOT u.disabled""",
        [token_digest(token), utcnow()],
    ).fetchone()
    return SessionUser(row[0], Role(row[1]), row[2], row[3]) if row else None


def end_session(con: duckdb.DuckDBPyConnection, token: str) -> None:
    con.execute("DELETE FROM sessions WHERE token_sha256 = ?", [token_digest(token)])


class LoginLimiter:
    """Failed logins per user name and per client within a sliding window (in memory, per process).

    A name with `max_failures` recent failures is refused even with the right password until the window
    has passed, so guessing is capped at that rate; a client gets four times as many across all names.
    """

    def __init__(self, max_failures: int, window: timedelta) -> None:
        self.window = window.total_seconds()
        self._limits = {"user": max_failures, "client": 4 * max_failures}
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _keys(self, name: str, client: str) -> dict[str, str]:
        return {"user": f"user:{name.casefold()}", "client": f"client:{client}"}

    def retry_after(self, name: str, client: str) -> int:
        """Seconds until a login for `name` from `client` may be tried; 0 when it may be now."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for kind, key in self._keys(name, client).items():
                recent = self._failures[key]
                while recent and recent[0] <= now - self.window:
                    recent.popleft()
                if len(recent) >= self._limits[kind]:
                    wait = max(wait, recent[0] + self.window - now)
        return int(wait) + 1 if wait else 0

    def failed(self, name: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(name, client).values():
                self._failures[key].append(now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{name.casefold()}", None)


def list_users(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    rows = con.execute(
        """SELECT u.name, u.role, u.disabled, u.created_at,
                  count(s.token_sha256) FILTER (WHERE s.expires_at > ?)
           FROM users u LEFT JOIN sessions s ON s.user_name = u.name
           GROUP BY ALL ORDER BY u.name""",
        [utcnow()],
    ).fetchall()
    keys = ("name", "role", "disabled", "created_at", "sessions")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _existing(con: duckdb.DuckDBPyConnection, name: str) -> None:
    if not con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
        raise NotFoundError(f"no user {name!r}")


def set_role(con: duckdb.DuckDBPyConnection, name: str, role: Role) -> None:
    _existing(con, name)
    con.execute("UPDATE users SET role = ? WHERE name = ?", [role.value, name])


def set_disabled(con: duckdb.DuckDBPyConnection, name: str, disabled: bool) -> None:
    """Disable (and log out everywhere) or re-enable a user."""
    _existing(con, name)
    con.execute("UPDATE users SET disabled = ? WHERE name = ?", [disabled, name])
    if disabled:
        con.execute("DELETE FROM sessions WHERE user_name = ?", [name])


def set_password_hash(con: duckdb.DuckDBPyConnection, name: str, password_hash: str) -> None:
    """Replace a password and end the user's sessions (a reset should lock out whoever had it)."""
    _existing(con, name)
    con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [password_hash, name])
    con.execute("DELETE FROM sessions WHERE user_name = ?", [name])
