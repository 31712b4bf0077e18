"""Alerts: stored, logged (escaped), POSTed as JSON to a webhook, and retried until acknowledged."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import pytest
from watch_support import Webhook

from unmask.errors import InputError
from unmask.store import Store
from unmask.watch.alerts import APPEARED, NEW_TARGET, Alert, check_webhook, deliver, printable, record

RAISED = datetime(2023, 9, 2, 12, 0)


def _alerts() -> list[Alert]:
    return [
        Alert(APPEARED, "C001", "new campaign of 8 accounts", {"accounts": 8, "targets": ["x:mp1"]}),
        Alert(NEW_TARGET, "C001", "now targets x:mp2", {"target": "x:mp2", "handle": "Ünïcödé <b>"}),
    ]


def test_alerts_are_stored_logged_and_posted(
    store: Store, webhook: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="unmask.watch"):
        record(store, _alerts(), RAISED)
    assert [r.getMessage() for r in caplog.records] == [
        "ALERT campaign_appeared C001: new campaign of 8 accounts",
        "ALERT new_target C001: now targets x:mp2",
    ]
    assert deliver(store, webhook.url) == 2
    assert [(b["alert_id"], b["kind"], b["campaign_id"]) for b in webhook.bodies] == [
        (1, APPEARED, "C001"),
        (2, NEW_TARGET, "C001"),
    ]
    assert webhook.bodies[0]["targets"] == ["x:mp1"] and webhook.bodies[1]["handle"] == "Ünïcödé <b>"
    assert webhook.bodies[0]["raised_at"] == RAISED.isoformat()
    stored = store.con.execute("SELECT kind, payload, delivered_at, attempts FROM alerts").fetchall()
    assert [(k, json.loads(p)) for k, p, _at, _n in stored] == [(a.kind, a.payload) for a in _alerts()]
    assert all(at is not None and n == 1 for _k, _p, at, n in stored)
    assert deliver(store, webhook.url) == 0  # delivered alerts are not sent again


def test_an_alert_the_webhook_refused_is_retried_in_order(store: Store, webhook: Webhook) -> None:
    record(store, _alerts(), RAISED)
    webhook.failures_left = 1
    assert deliver(store, webhook.url) == 0  # the first failed: the second waits behind it
    assert store.con.execute("SELECT attempts FROM alerts ORDER BY alert_id").fetchall() == [(1,), (0,)]
    assert deliver(store, webhook.url) == 2
    assert [b["alert_id"] for b in webhook.bodies] == [1, 2]


def test_an_unreachable_webhook_gives_up_after_max_attempts(store: Store) -> None:
    record(store, _alerts()[:1], RAISED)
    for _ in range(10):
        deliver(store, "http://127.0.0.1:9/closed")  # the discard port: nothing listens
    assert store.con.execute("SELECT attempts, delivered_at FROM alerts").fetchall() == [(5, None)]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "http://", "127.0.0.1:8000"])
def test_only_http_webhooks_are_accepted(url: str) -> None:
    with pytest.raises(InputError, match="webhook"):
        check_webhook(url)


def test_a_hostile_name_cannot_forge_a_log_line(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    hostile = "mp1\n2023-09-02 ALERT campaign_appeared C999: fake\x1b[2K\r"
    assert printable("Ünïcödé 中文") == "Ünïcödé 中文"
    with caplog.at_level(logging.WARNING, logger="unmask.watch"):
        record(store, [Alert(NEW_TARGET, "C001", f"now targets {hostile}", {"target": hostile})], RAISED)
    (line,) = [r.getMessage() for r in caplog.records]
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert line.endswith("now targets mp1\\n2023-09-02 ALERT campaign_appeared C999: fake\\x1b[2K\\r")
