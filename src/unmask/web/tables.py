"""The web app's own tables, created on start when missing (not yet part of the store's migrations).

users: analysts who may log in; sessions: server-side logins (the cookie holds a token, the table only
its SHA-256); audit_log: who changed what, when (incident edits, user administration, logins). Edited
incidents are kept in unmask.documents' own `incidents` table, so exports use them.
"""

from __future__ import annotations

import duckdb

WEB_TABLES: dict[str, str] = {
    "users": """CREATE TABLE IF NOT EXISTS users (
    name VARCHAR PRIMARY KEY,
    role VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
)""",
    "sessions": """CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 VARCHAR PRIMARY KEY,
    user_name VARCHAR NOT NULL,
    csrf_token VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
)""",
    "audit_log": """CREATE TABLE IF NOT EXISTS audit_log (
    logged_at TIMESTAMP NOT NULL,
    user_name VARCHAR,
    action VARCHAR NOT NULL,
    target VARCHAR,
    detail VARCHAR
)""",
}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in WEB_TABLES.values():
        con.execute(statement)
