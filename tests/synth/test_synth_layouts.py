"""The three layouts parse, hold the same posts and accounts, and follow their formats; truth covers them."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from unmask.ingest.io_archive import IoArchiveLayout
from unmask.ingest.qut_csv import QutCsvLayout
from unmask.ingest.records import Post, Reject
from unmask.ingest.registry import detect_layout
from unmask.ingest.x_api_v2 import XApiV2Layout
from unmask.synth.csv_layouts import IO_COLUMNS, QUT_COLUMNS

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")
MINUTE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")
DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
LISTED = re.compile(r"^\[.*\]$")
TWITTER_EPOCH_MS = 1_288_834_974_657


def _seconds(iso: str) -> int:
    return int(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=UTC).timestamp())


@pytest.fixture(scope="module")
def pages(normal) -> list[dict]:
    out, _ = normal
    with (out / "x_api_v2.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def io_rows(normal) -> list[list[str]]:
    out, _ = normal
    with (out / "io_archive.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def qut_rows(normal) -> list[list[str]]:
    out, _ = normal
    with (out / "qut.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_summary_lists_the_files_and_counts(normal) -> None:
    out, summary = normal
    assert {p.name for p in summary.files.values()} == {
        "x_api_v2.jsonl",
        "io_archive.csv",
        "qut.csv",
        "truth.csv",
    }
    assert all(p.parent == out and p.stat().st_size > 0 for p in summary.files.values())
    assert 0.75 * 20_000 < summary.posts < 1.25 * 20_000
    assert 20_000 / 20 <= summary.accounts <= 20_000 / 10
    assert 0 < summary.campaign_accounts < 0.1 * summary.accounts


def test_x_api_pages_follow_twarc2(pages: list[dict]) -> None:
    seen: set[str] = set()
    for page in pages:
        tweets = page["data"]
        assert 0 < len(tweets) <= 100
        assert page["meta"]["result_count"] == len(tweets)
        assert page["meta"]["oldest_id"] == tweets[0]["id"] and page["meta"]["newest_id"] == tweets[-1]["id"]
        users = {u["id"]: u for u in page["includes"]["users"]}
        included = {t["id"] for t in page["includes"].get("tweets", [])}
        for tweet in tweets:
            assert ISO.match(tweet["created_at"]) and tweet["id"].isdigit()
            assert tweet["author_id"] in users
            assert set(tweet["public_metrics"]) == {
                "like_count",
                "retweet_count",
                "reply_count",
                "quote_count",
            }
            if "in_reply_to_user_id" in tweet:
                assert tweet["in_reply_to_user_id"] in users
            for mention in tweet.get("entities", {}).get("mentions", []):
                assert users[mention["id"]]["username"] == mention["username"]
                assert f"@{mention['username']}" in tweet["text"]
            for ref in tweet.get("referenced_tweets", []):
                assert ref["type"] in ("replied_to", "retweeted", "quoted")
                assert ref["id"] in seen or ref["id"] in included or ref["id"] in {t["id"] for t in tweets}
            seen.add(tweet["id"])
        for user in users.values():
            assert ISO.match(user["created_at"]) and user["username"] and user["name"]
            assert set(user["public_metrics"]) >= {"followers_count", "following_count"}


def test_io_archive_has_the_archive_columns_and_formats(io_rows: list[list[str]]) -> None:
    header, rows = io_rows[0], io_rows[1:]
    assert tuple(header) == IO_COLUMNS and len(IO_COLUMNS) == 31
    col = {name: i for i, name in enumerate(header)}
    for row in rows:
        assert len(row) == 31
        assert MINUTE.match(row[col["tweet_time"]]) and DAY.match(row[col["account_creation_date"]])
        assert row[col["is_retweet"]] in ("True", "False")
        assert (row[col["is_retweet"]] == "True") == bool(row[col["retweet_tweetid"]])
        assert all(LISTED.match(row[col[c]]) for c in ("hashtags", "urls", "user_mentions"))
        assert row[col["follower_count"]].isdigit() and row[col["like_count"]].isdigit()


def test_qut_csv_has_the_toolkit_columns_in_order(qut_rows: list[list[str]]) -> None:
    assert tuple(qut_rows[0]) == QUT_COLUMNS
    for row in qut_rows[1:]:
        assert len(row) == 8 and row[6].isdigit()
        assert not (row[3] and row[4])  # a retweet is not a reply
        assert (row[3] != "") == row[5].startswith("RT @")


def test_three_layouts_hold_the_same_posts_in_time_order(pages, io_rows, qut_rows) -> None:
    tweets = [t for page in pages for t in page["data"]]
    v2 = {t["id"]: (t["author_id"], _seconds(t["created_at"])) for t in tweets}
    col = {name: i for i, name in enumerate(io_rows[0])}
    io = {r[col["tweetid"]]: (r[col["userid"]], r[col["tweet_time"]]) for r in io_rows[1:]}
    qut = {r[0]: (r[1], int(r[6])) for r in qut_rows[1:]}
    assert len(v2) == len(tweets) == len(io) == len(qut) == len(io_rows) - 1
    assert v2 == qut
    for post_id, (author, minute) in io.items():
        assert v2[post_id][0] == author
        assert datetime.fromtimestamp(v2[post_id][1], UTC).strftime("%Y-%m-%d %H:%M") == minute
    for layout_ids in ([t["id"] for t in tweets], [r[0] for r in io_rows[1:]], [r[0] for r in qut_rows[1:]]):
        ids = [int(i) for i in layout_ids]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for post_id, (_, seconds) in v2.items():  # snowflake ids carry their own creation time
        assert ((int(post_id) >> 22) + TWITTER_EPOCH_MS) // 1000 == seconds


def test_every_reply_and_retweet_points_at_a_post_in_the_data(io_rows) -> None:
    col = {name: i for i, name in enumerate(io_rows[0])}
    ids = {r[col["tweetid"]]: r[col["userid"]] for r in io_rows[1:]}
    for row in io_rows[1:]:
        for post_col, user_col in (
            ("in_reply_to_tweetid", "in_reply_to_userid"),
            ("retweet_tweetid", "retweet_userid"),
        ):
            if row[col[post_col]]:
                assert ids[row[col[post_col]]] == row[col[user_col]]


def test_truth_lists_every_author_exactly_once(normal, io_rows) -> None:
    out, summary = normal
    col = {name: i for i, name in enumerate(io_rows[0])}
    authors = {r[col["userid"]] for r in io_rows[1:]}
    with (out / "truth.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = [r["account_id"] for r in rows]
    assert len(ids) == len(set(ids)) == summary.accounts
    assert set(ids) == authors
    assert {r["platform"] for r in rows} == {"x"}
    assert {(r["label"], r["campaign"]) for r in rows} == {("organic", ""), ("campaign", "spamouflage-1")}


@pytest.mark.parametrize(
    ("filename", "layout"),
    [("x_api_v2.jsonl", XApiV2Layout), ("io_archive.csv", IoArchiveLayout), ("qut.csv", QutCsvLayout)],
)
def test_unmask_ingest_reads_each_layout_without_rejects(normal, filename: str, layout: type) -> None:
    out, summary = normal
    path: Path = out / filename
    chosen = detect_layout(path)
    assert isinstance(chosen, layout)
    records = list(chosen.read(path))
    assert not [r for r in records if isinstance(r, Reject)]
    assert len({r.post_id for r in records if isinstance(r, Post)}) == summary.posts
