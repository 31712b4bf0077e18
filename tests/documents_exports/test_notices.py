"""Notices to targeted people: one per target, figures from the data, the safety rule as documented."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

import pytest

from unmask.documents.build import PostRef
from unmask.documents.catalogue import Catalogue
from unmask.documents.exports import export
from unmask.documents.notices import VOLUME_REPLIES, VOLUME_SHARE, CampaignTargeting, Notice, assess


def _notices(planted, catalogue: Catalogue) -> dict[str, str]:
    payload = export(planted.store, "notices", campaign_id=planted.campaign_id, catalogue=catalogue).data
    archive = zipfile.ZipFile(io.BytesIO(payload))
    return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_one_notice_per_target(planted, catalogue: Catalogue) -> None:
    notices = _notices(planted, catalogue)
    summary = json.loads(
        planted.store.con.execute(
            "SELECT summary FROM campaigns WHERE campaign_id = ?", [planted.campaign_id]
        ).fetchone()[0]
    )
    assert sorted(notices) == sorted(f"notice-x-{t['account_id']}.html" for t in summary["targets"])
    for target in summary["targets"]:
        page = notices[f"notice-x-{target['account_id']}.html"]
        assert f"{target['campaign_replies']} replies, {target['campaign_share'] * 100:.1f}% of the " in page
        assert f"{target['all_replies']} replies you received" in page


def _threatened(planted, hostile) -> str:
    return planted.store.con.execute(
        "SELECT reply_to_account_id FROM posts WHERE text LIKE '%' || ? || '%'", [hostile.threat]
    ).fetchone()[0]


def test_notices_match_golden_files(planted, hostile, catalogue: Catalogue, golden) -> None:
    """The notice of the target with a hostile handle (low) and of the one threatened (high)."""
    notices = _notices(planted, catalogue)
    for account_id in (planted.hostile_target.split(":")[1], _threatened(planted, hostile)):
        golden(f"notice-x-{account_id}.html", notices[f"notice-x-{account_id}.html"])


def test_hostile_handles_and_texts_are_escaped(planted, hostile, catalogue: Catalogue) -> None:
    notices = _notices(planted, catalogue)
    page = notices[f"notice-x-{planted.hostile_target.split(':')[1]}.html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    for page in notices.values():
        body = page.split("<body>", 1)[1]
        assert "<script" not in body and "<img" not in body and hostile.control not in body


def test_the_reply_with_a_threat_makes_its_target_high(planted, hostile, catalogue: Catalogue) -> None:
    target = _threatened(planted, hostile)
    notices = _notices(planted, catalogue)
    levels = {name: "level-high" in page.split("<body>", 1)[1] for name, page in notices.items()}
    assert {name for name, high in levels.items() if high} == {f"notice-x-{target}.html"}
    assert "Matched: threat or violence words" in notices[f"notice-x-{target}.html"]


def _notice(texts: list[str], replies: int | None = None, share: float = 0.01) -> Notice:
    posts = [PostRef("x", str(i), "a1", datetime(2023, 9, 1), text) for i, text in enumerate(texts)]
    count = len(texts) if replies is None else replies
    targeting = CampaignTargeting("C001", "U-C001", "name", count, 1000, share, posts, ["@a1"])
    return Notice("x", "mp1", "mp", [targeting])


@pytest.mark.parametrize(
    ("texts", "replies", "share", "level"),
    [
        (["you are a liar and a criminal"], None, 0.01, "low"),
        (["someone should shoot him"], None, 0.01, "high"),
        (["On sait où tu habites, traître"], None, 0.01, "high"),
        (["call her at +1 613 555 0199"], None, 0.01, "high"),
        (["his home address is public now"], None, 0.01, "high"),
        (["she lives at 24 Sussex Drive"], None, 0.01, "high"),
        (["write to mp.name@parl.gc.ca"], None, 0.01, "high"),
        (["a liar"], VOLUME_REPLIES, 0.01, "elevated"),
        (["a liar"], 2, VOLUME_SHARE, "elevated"),
        (["a liar"], VOLUME_REPLIES - 1, VOLUME_SHARE - 0.01, "low"),
        (["the diet of shooting stars is undead"], None, 0.01, "low"),  # words, not substrings
    ],
)
def test_safety_rule(texts: list[str], replies: int | None, share: float, level: str) -> None:
    assert assess(_notice(texts, replies, share)).level == level
