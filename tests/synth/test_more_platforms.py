"""Instagram (CrowdTangle CSV), Telegram (Telegram Desktop result.json) and Bluesky (getAuthorFeed pages):
each written in its export layout, read back by auto-detection with no reject, every post the writer
wrote stored once, the truth file naming exactly the accounts stored, and a campaign found across them.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synth_stores import detected_across, ingested

from unmask.campaigns.evaluate import evaluate, read_truth
from unmask.ingest.crowdtangle import parse_crowdtangle_time
from unmask.ingest.registry import detect_layout
from unmask.store import Store
from unmask.synth.config import ts
from unmask.synth.platforms.eastern import is_daylight, local_strings
from unmask.synth.platforms.telegram import text_parts

NEW = ("instagram", "telegram", "bluesky")
LAYOUT_OF = {"instagram": "crowdtangle", "telegram": "telegram", "bluesky": "bluesky"}


def _feed_items(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [item for line in fh for item in json.loads(line)["feed"]]


def _written(files: dict[str, Path]) -> dict[str, int]:
    """Posts per platform, counted in the files themselves (a reposted post's view repeats it)."""
    with files["instagram"].open(newline="", encoding="utf-8") as fh:
        instagram = sum(1 for _ in csv.DictReader(fh))
    telegram = len(json.loads(files["telegram"].read_text(encoding="utf-8"))["messages"])
    items = _feed_items(files["bluesky"])
    bluesky = len({i["post"]["uri"] for i in items}) + sum("reason" in i for i in items)
    return {"instagram": instagram, "telegram": telegram, "bluesky": bluesky}


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> tuple[Path, object, Store]:
    """The three platforms alone at 20k posts, ingested by auto-detection."""
    out = tmp_path_factory.mktemp("three")
    summary, store = ingested(out, NEW, seed=4)
    yield out, summary, store
    store.close()


def test_each_file_is_recognised_as_its_platform_layout(three) -> None:
    _, summary, _ = three
    assert {name: detect_layout(summary.files[name]).name for name in NEW} == LAYOUT_OF


def test_every_post_written_is_stored_once_with_no_reject(three) -> None:
    _, summary, store = three
    assert store.con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
    stored = dict(store.con.execute("SELECT platform, count(*) FROM posts GROUP BY 1").fetchall())
    assert stored == _written(summary.files)
    assert sum(stored.values()) == summary.posts


def test_truth_lists_exactly_the_stored_accounts_with_the_campaign_on_each(three) -> None:
    out, summary, store = three
    truth = read_truth(out / "truth.csv")
    assert set(truth) == set(store.con.execute("SELECT DISTINCT platform, account_id FROM posts").fetchall())
    assert set(truth) == set(store.con.execute("SELECT platform, account_id FROM accounts").fetchall())
    kinds = Counter((platform, campaign is not None) for (platform, _), campaign in truth.items())
    for platform in NEW:
        assert kinds[(platform, True)] >= 3, platform
        assert kinds[(platform, False)] > 10 * kinds[(platform, True)], platform
    assert sum(c is not None for c in truth.values()) == summary.campaign_accounts


def test_telegram_replies_answer_earlier_messages_and_forwards_name_their_source(three) -> None:
    _, summary, store = three
    export = json.loads(summary.files["telegram"].read_text(encoding="utf-8"))
    assert export["type"] == "public_supergroup"
    messages = export["messages"]
    ids = [m["id"] for m in messages]
    assert sorted(ids) == list(range(1, len(ids) + 1))  # numbered by the chat, none twice
    position = {m["id"]: i for i, m in enumerate(messages)}
    replies = [m for m in messages if "reply_to_message_id" in m]
    assert replies and all(position[m["reply_to_message_id"]] < position[m["id"]] for m in replies)
    forwards = [m for m in messages if "forwarded_from" in m]
    assert forwards and all(m["forwarded_from_id"].startswith("user") for m in forwards)
    assert not any(isinstance(m["text"], str) and m["text"].startswith("RT @") for m in forwards)
    unixtime = np.array([int(m["date_unixtime"]) for m in messages])
    behind = np.where(is_daylight(unixtime), 4 * 3600, 5 * 3600)  # the exporting computer's clock: Ottawa
    for m, hours in zip(messages, behind.tolist(), strict=True):
        utc = datetime.fromtimestamp(int(m["date_unixtime"]), UTC).replace(tzinfo=None)
        assert (utc - datetime.fromisoformat(m["date"])).total_seconds() == hours
    kinds = dict(
        store.con.execute(
            "SELECT CASE WHEN reply_to_post_id IS NOT NULL THEN 'reply' WHEN repost_of_post_id IS NOT NULL "
            "THEN 'forward' ELSE 'post' END, count(*) FROM posts WHERE platform = 'telegram' GROUP BY 1"
        ).fetchall()
    )
    assert kinds["reply"] == len(replies) and kinds["forward"] == len(forwards)


def test_bluesky_reposts_repeat_their_post_and_replies_point_into_the_file(three) -> None:
    _, summary, store = three
    items = _feed_items(summary.files["bluesky"])
    views = {}
    for item in items:
        text = json.dumps(item["post"], sort_keys=True)
        assert views.setdefault(item["post"]["uri"], text) == text  # the same view wherever it repeats
    reposts = [i for i in items if "reason" in i]
    assert reposts and all(i["reason"]["uri"].split("/")[3] == "app.bsky.feed.repost" for i in reposts)
    records = [i["post"]["record"] for i in items if "reason" not in i]
    parents = [r["reply"]["parent"]["uri"] for r in records if "reply" in r]
    refs = [r["embed"]["record"] for r in records if r.get("embed", {}).get("record")]
    quoted = [ref.get("record", ref)["uri"] for ref in refs]  # recordWithMedia nests the reference
    assert parents and quoted and set(parents + quoted) <= set(views)
    for record in records:
        raw = record["text"].encode()
        for facet in record.get("facets", []):
            span = raw[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode()
            feature = facet["features"][0]
            assert span == (feature["uri"] if "uri" in feature else "#" + feature["tag"])
    stored = store.con.execute(
        "SELECT count(*) FILTER (repost_of_post_id IS NOT NULL), "
        "count(*) FILTER (quote_of_post_id IS NOT NULL) FROM posts WHERE platform = 'bluesky'"
    ).fetchone()
    assert stored == (len(reposts), len(quoted))


def test_instagram_rows_carry_the_dashboard_time_zone_and_a_picture(three) -> None:
    _, summary, store = three
    with summary.files["instagram"].open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {row["Post Created"].rsplit(" ", 1)[1] for row in rows} == {"EDT", "EST"}  # earlier lives too
    assert all(row["Photo"] and row["Type"] in ("Photo", "Video") for row in rows)
    assert all((row["Views"] != "") == (row["Type"] == "Video") for row in rows)
    created = dict(
        store.con.execute("SELECT post_id, created_at FROM posts WHERE platform = 'instagram'").fetchall()
    )
    assert created == {
        row["URL"].rstrip("/").rsplit("/", 1)[1]: parse_crowdtangle_time(row["Post Created"]) for row in rows
    }


@pytest.mark.parametrize(
    ("moment", "daylight"),
    [
        (ts(2023, 3, 12, 6), False),  # 01:00 EST, an hour before the change
        (ts(2023, 3, 12, 7), True),  # 03:00 EDT
        (ts(2023, 11, 5, 5), True),  # 01:00 EDT, the first time
        (ts(2023, 11, 5, 6), False),  # 01:00 EST, the second time
        (ts(2024, 3, 10, 7), True),
    ],
)
def test_eastern_daylight_time_changes_on_the_north_american_dates(moment: int, daylight: bool) -> None:
    assert is_daylight(np.array([moment]))[0] == daylight


@settings(max_examples=200, deadline=None)
@given(st.integers(ts(2007, 3, 1), ts(2035, 12, 31)))
def test_eastern_local_time_agrees_with_the_zone_database(moment: int) -> None:
    try:
        toronto = ZoneInfo("America/Toronto")
    except ZoneInfoNotFoundError:
        pytest.skip("no time zone database on this machine (tzdata)")
    expected = datetime.fromtimestamp(moment, toronto)
    (local,), (zone,) = local_strings(np.array([moment]))
    assert (local, zone) == (expected.strftime("%Y-%m-%dT%H:%M:%S"), expected.tzname())


PIECES = [*"ab #@_:/.xé漢 ", "https://", "http://", "\n"]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_telegram_text_parts_join_back_to_the_text(text: str) -> None:
    parts, entities = text_parts(text)
    joined = (
        parts if isinstance(parts, str) else "".join(p if isinstance(p, str) else p["text"] for p in parts)
    )
    assert joined == text == "".join(e["text"] for e in entities)
    assert all(e["type"] in ("plain", "link", "hashtag", "mention") for e in entities)


@pytest.fixture(scope="module")
def detected(tmp_path_factory) -> tuple[Store, dict, list[dict]]:
    store, truth, summaries = detected_across(tmp_path_factory.mktemp("spanning"), ("x", *NEW))
    yield store, truth, summaries
    store.close()


def test_a_campaign_is_found_across_x_and_the_three_platforms(detected) -> None:
    store, truth, summaries = detected
    scores = evaluate(store, truth)
    assert scores.precision >= 0.9 and scores.f1 >= 0.85, scores
    assert any(set(s["accounts_by_platform"]) == {"x", *NEW} for s in summaries)
    really = Counter(p for (p, _), c in truth.items() if c)
    flagged = store.con.execute("SELECT platform, account_id FROM campaign_accounts").fetchall()
    found = Counter(p for p, account in flagged if truth.get((p, account)))
    for platform in NEW:  # a good share of each platform's campaign accounts, not a stray one
        assert found[platform] >= 0.4 * really[platform], (platform, found[platform], really[platform])
    assert sum(found[p] for p in NEW) >= 0.6 * sum(really[p] for p in NEW)
