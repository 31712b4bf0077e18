"""Following campaigns across steps: ids kept by overlap, never reused, and the three kinds of alert."""

from __future__ import annotations

from typing import Any

from unmask.campaigns.score import AccountScore, CampaignScore
from unmask.store import Store
from unmask.watch.alerts import APPEARED, GREW, NEW_TARGET
from unmask.watch.tracking import AlertRules, assign_ids, follow

RULES = AlertRules(grow_threshold=0.25, min_target_replies=3)


def _campaign(accounts: list[str], cid: str = "") -> CampaignScore:
    return CampaignScore(cid, 0.7, {}, [AccountScore(f"x:{a}", 0.7, 1.0, ["co_reply"], []) for a in accounts])


def _summary(targets: dict[str, int]) -> dict[str, Any]:
    return {
        "signals": ["co_reply"],
        "targets": [
            {"platform": "x", "account_id": t, "handle": t.upper(), "campaign_replies": n}
            for t, n in targets.items()
        ],
    }


def test_ids_follow_the_largest_overlap_and_are_never_reused(store: Store) -> None:
    store.con.execute(
        "INSERT INTO alerts (alert_id, raised_at, kind, campaign_id, message, payload) "
        "VALUES (1, now(), 'campaign_appeared', 'C007', 'gone since', '{}')"
    )
    previous = {"C001": {"x:a", "x:b", "x:c"}, "C002": {"x:c", "x:d", "x:e"}}
    found = [_campaign(["c", "d", "e", "f"]), _campaign(["a", "b", "c"]), _campaign(["y", "z"])]
    fresh = assign_ids(store, found, previous)
    assert [c.campaign_id for c in found] == ["C002", "C001", "C008"]
    assert fresh == {"C008"}


def test_a_campaign_split_in_two_keeps_its_id_once(store: Store) -> None:
    found = [_campaign(["a", "b"]), _campaign(["c", "d", "e"])]
    assign_ids(store, found, {"C003": {"x:a", "x:b", "x:c", "x:d", "x:e"}})
    assert [c.campaign_id for c in found] == ["C004", "C003"]


def test_appearance_growth_and_new_targets(store: Store) -> None:
    first = _campaign(list("abcd"), "C001")
    alerts = follow(store, [first], {"C001": _summary({"mp1": 5, "mp2": 2})}, {"C001"}, RULES, silent=False)
    assert [(a.kind, a.payload["targets"]) for a in alerts] == [(APPEARED, ["x:mp1"])]

    grown = _campaign(list("abcde"), "C001")  # 5 = 4 x 1.25: just grown enough
    summaries = {"C001": _summary({"mp1": 9, "mp2": 3, "mp3": 1})}  # mp3: too few replies yet
    alerts = follow(store, [grown], summaries, set(), RULES, silent=False)
    assert [(a.kind, a.campaign_id) for a in alerts] == [(GREW, "C001"), (NEW_TARGET, "C001")]
    assert alerts[0].payload["previous_accounts"] == 4 and alerts[1].payload["target"] == "x:mp2"

    same = _campaign(list("abcdef"), "C001")  # 6 < 5 x 1.25: growth is measured from the last alert
    alerts = follow(store, [same], {"C001": _summary({"mp1": 9, "mp2": 4})}, set(), RULES, silent=False)
    assert alerts == []


def test_the_baseline_step_alerts_only_on_campaigns_new_to_the_store(store: Store) -> None:
    known, new = _campaign(list("abcdefgh"), "C001"), _campaign(list("stuvw"), "C002")
    summaries = {"C001": _summary({"mp1": 9}), "C002": _summary({"mp2": 9})}
    alerts = follow(store, [known, new], summaries, {"C002"}, RULES, silent=True)
    assert [(a.kind, a.campaign_id) for a in alerts] == [(APPEARED, "C002")]
    rows = store.con.execute("SELECT campaign_id, baseline_accounts, targets FROM watch_campaigns ORDER BY 1")
    assert rows.fetchall() == [("C001", 8, ["x:mp1"]), ("C002", 5, ["x:mp2"])]
