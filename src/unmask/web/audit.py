"""The audit trail: who did what to which target, and when (incident edits, user administration)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

AUDIT_SHOWN = 50


def utcnow() -> datetime:
    """Naive UTC, like every timestamp in the store."""
    return datetime.now(UTC).replace(tzinfo=None)


def audit(con: duckdb.DuckDBPyConnection, user: str | None, action: str, target: str, detail: object) -> None:
    """Append one audit record (inside the caller's transaction); `detail` is stored as JSON."""
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?)",
        [utcnow(), user, action, target, json.dumps(detail, sort_keys=True, default=str)],
    )


def audit_trail(
    con: duckdb.DuckDBPyConnection, *, action_prefix: str, target: str | None = None
) -> list[dict]:
    """The latest records whose action starts with `action_prefix` (e.g. "incident."), newest first."""
    rows = con.execute(
        """SELECT logged_at, user_name, action, target, detail FROM audit_log
           WHERE starts_with(action, ?) AND (? IS NULL OR target = ?) ORDER BY logged_at DESC LIMIT ?""",
        [action_prefix, target, target, AUDIT_SHOWN],
    ).fetchall()
    records: list[dict[str, Any]] = []
    for at, user, action, tgt, detail in rows:
        records.append(
            {
                "at": at.isoformat(),
                "user": user,
                "action": action,
                "target": tgt,
                **json.loads(detail or "{}"),
            }
        )
    return records
