"""Following campaigns from one step to the next: which is which, and what is worth an alert.

A re-scored campaign is the stored campaign it shares most core members with (greedily, largest
overlap first); it keeps that campaign's id. One that shares none is new: it gets the next unused id
and raises `campaign_appeared`. A campaign raises `campaign_grew` when it has at least
(1 + grow_threshold) times the accounts it had when it appeared or last raised that alert, and
`new_target` for each account its members replied to at least min_target_replies times that it had
not been seen targeting before (targets as in its summary: the ranked reply targets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from unmask.campaigns.score import CampaignScore
from unmask.store import Store
from unmask.watch.alerts import APPEARED, GREW, NEW_TARGET, Alert, printable


@dataclass(frozen=True)
class AlertRules:
    grow_threshold: float = 0.25
    min_target_replies: int = 3


def assign_ids(store: Store, found: list[CampaignScore], previous: dict[str, set[str]]) -> set[str]:
    """Give each campaign its predecessor's id or a new one (in place); return the ids that are new.

    Called before amplifiers join, so members are core members on both sides.
    """
    overlaps = sorted(
        (-len(set(c.accounts) & accts), i, cid)
        for i, c in enumerate(found)
        for cid, accts in previous.items()
        if not accts.isdisjoint(c.accounts)
    )
    matched: dict[int, str] = {}
    for _overlap, i, cid in overlaps:
        if i not in matched and cid not in matched.values():
            matched[i] = cid
    number = _next_number(store, set(previous))
    fresh: set[str] = set()
    for i, campaign in enumerate(found):
        if i in matched:
            campaign.campaign_id = matched[i]
        else:
            campaign.campaign_id = f"C{number:03d}"
            fresh.add(campaign.campaign_id)
            number += 1
    return fresh


def _next_number(store: Store, also: set[str]) -> int:
    """One above every id used so far (stored, followed or alerted on, or in `also`): never reused."""
    rows = store.con.execute(
        "SELECT campaign_id FROM campaigns UNION SELECT campaign_id FROM watch_campaigns "
        "UNION SELECT campaign_id FROM alerts"
    ).fetchall()
    used = also | {cid for (cid,) in rows}
    numbers = [int(m.group(1)) for cid in used if (m := re.fullmatch(r"C(\d+)", cid))]
    return max(numbers, default=0) + 1


def _targets(summary: dict[str, Any], rules: AlertRules) -> dict[str, dict[str, Any]]:
    return {
        f"{t['platform']}:{t['account_id']}": t
        for t in summary.get("targets", [])
        if t["campaign_replies"] >= rules.min_target_replies
    }


def follow(
    store: Store,
    found: list[CampaignScore],
    summaries: dict[str, dict[str, Any]],
    fresh: set[str],
    rules: AlertRules,
    *,
    silent: bool,
) -> list[Alert]:
    """Compare each campaign with what the watch knew of it; update that knowledge; return the alerts.

    `silent` (the baseline step) records what is known without alerting on campaigns that were
    already stored: only campaigns that are new to the store are announced.
    """
    con = store.con
    known = {
        cid: (baseline, set(targets))
        for cid, baseline, targets in con.execute(
            "SELECT campaign_id, baseline_accounts, targets FROM watch_campaigns"
        ).fetchall()
    }
    alerts: list[Alert] = []
    for campaign in found:
        cid, size = campaign.campaign_id, len(campaign.members)
        summary = summaries[cid]
        targets = _targets(summary, rules)
        baseline, seen = known.get(cid, (size, set(targets)))
        if cid in fresh:
            alerts.append(_appeared(campaign, summary, targets))
            baseline, seen = size, set(targets)
        elif not silent:
            if size > baseline and size >= baseline * (1 + rules.grow_threshold):
                alerts.append(_grew(campaign, baseline))
                baseline = size
            alerts.extend(_new_target(campaign, targets[t]) for t in sorted(set(targets) - seen))
        con.execute("DELETE FROM watch_campaigns WHERE campaign_id = ?", [cid])
        con.execute(
            "INSERT INTO watch_campaigns VALUES (?, ?, ?)", [cid, baseline, sorted(seen | set(targets))]
        )
    return alerts


def _appeared(campaign: CampaignScore, summary: dict[str, Any], targets: dict[str, dict]) -> Alert:
    shown = ", ".join(printable(t) for t in list(targets)[:5]) or "no target yet"
    return Alert(
        APPEARED,
        campaign.campaign_id,
        f"new campaign of {len(campaign.members)} accounts (score {campaign.score:.2f}); targets: {shown}",
        {
            "accounts": len(campaign.members),
            "score": campaign.score,
            "signals": summary["signals"],
            "targets": list(targets),
            "members": campaign.accounts,
        },
    )


def _grew(campaign: CampaignScore, baseline: int) -> Alert:
    size = len(campaign.members)
    return Alert(
        GREW,
        campaign.campaign_id,
        f"grew from {baseline} to {size} accounts (score {campaign.score:.2f})",
        {
            "accounts": size,
            "previous_accounts": baseline,
            "score": campaign.score,
            "members": campaign.accounts,
        },
    )


def _new_target(campaign: CampaignScore, target: dict[str, Any]) -> Alert:
    acct = f"{target['platform']}:{target['account_id']}"
    return Alert(
        NEW_TARGET,
        campaign.campaign_id,
        f"now targets {printable(acct)} (@{printable(str(target.get('handle') or '?'))}, "
        f"{target['campaign_replies']} replies)",
        {"target": acct, **target, "accounts": len(campaign.members)},
    )
