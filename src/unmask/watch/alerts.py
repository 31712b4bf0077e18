"""Alerts: a row in the store, a log line, and a JSON POST to a webhook, delivered at least once.

The row is written in the same transaction as the results that raised it, so an alert is never lost
and never raised twice for one change. Delivery comes after the commit; an alert the webhook did not
acknowledge with a 2xx answer is retried on the next cycles (also after a restart), MAX_ATTEMPTS
times in all. Receivers should de-duplicate on `alert_id`.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from unmask.errors import InputError, NetworkError
from unmask.store import Store

APPEARED = "campaign_appeared"
GREW = "campaign_grew"
NEW_TARGET = "new_target"
MAX_ATTEMPTS = 5
TIMEOUT_S = 10.0

log = logging.getLogger("unmask.watch")


@dataclass(frozen=True)
class Alert:
    kind: str
    campaign_id: str
    message: str  # one line for people; hostile text in it is escaped (see printable)
    payload: dict[str, Any]  # the machine-readable details, sent as JSON


def printable(text: str) -> str:
    """Escape control characters, so that an account name cannot forge or hide log lines."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def check_webhook(url: str) -> str:
    """Accept only http(s) URLs with a host: urllib would also open file:// and ftp:// ones."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"--webhook must be an http:// or https:// URL, not {url!r}")
    return url


def record(store: Store, alerts: list[Alert], raised_at: datetime) -> None:
    """Insert the alerts (inside the caller's transaction) and log each one."""
    con = store.con
    row = con.execute("SELECT coalesce(max(alert_id), 0) FROM alerts").fetchone()
    next_id = int(row[0]) + 1 if row else 1
    for number, alert in enumerate(alerts, start=next_id):
        con.execute(
            "INSERT INTO alerts (alert_id, raised_at, kind, campaign_id, message, payload) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [number, raised_at, alert.kind, alert.campaign_id, alert.message, json.dumps(alert.payload)],
        )
        log.warning("ALERT %s %s: %s", alert.kind, printable(alert.campaign_id), printable(alert.message))


def post_json(url: str, body: dict[str, Any], *, timeout: float = TIMEOUT_S) -> None:
    """POST `body` as JSON; anything but a 2xx answer raises NetworkError."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "unmask-watch"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # scheme checked by check_webhook
            status = response.status
    except (urllib.error.URLError, OSError) as exc:
        raise NetworkError(f"webhook {url}: {exc}") from exc
    if not 200 <= status < 300:
        raise NetworkError(f"webhook {url}: HTTP {status}")


def deliver(store: Store, url: str) -> int:
    """POST every undelivered alert (oldest first); return how many the webhook acknowledged."""
    con = store.con
    rows = con.execute(
        "SELECT alert_id, raised_at, kind, campaign_id, message, payload FROM alerts "
        "WHERE delivered_at IS NULL AND attempts < ? ORDER BY alert_id",
        [MAX_ATTEMPTS],
    ).fetchall()
    delivered = 0
    for alert_id, raised_at, kind, campaign_id, message, payload in rows:
        body = {
            "alert_id": alert_id,
            "raised_at": raised_at.isoformat(),
            "kind": kind,
            "campaign_id": campaign_id,
            "message": message,
            **json.loads(payload),
        }
        try:
            post_json(url, body)
        except NetworkError as exc:
            con.execute("UPDATE alerts SET attempts = attempts + 1 WHERE alert_id = ?", [alert_id])
            log.warning("alert %d not delivered (will retry): %s", alert_id, exc)
            break  # the receiver is down: keep the order, try again next cycle
        con.execute(
            "UPDATE alerts SET attempts = attempts + 1, delivered_at = ? WHERE alert_id = ?",
            [datetime.now(UTC).replace(tzinfo=None), alert_id],
        )
        delivered += 1
    return delivered
