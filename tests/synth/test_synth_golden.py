"""Golden excerpts of the three layouts for a small fixed scenario: one post of each kind, as written.

A change to a writer (or to what the generator produces for seed 1) shows up here as a readable diff.
Regenerate after an intended change with: UNMASK_UPDATE_GOLDEN=1 pytest tests/synth/test_synth_golden.py
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from unmask.synth import generate

GOLDEN = Path(__file__).parent / "golden"
KINDS = ("original", "reply", "retweet", "quote", "link", "hashtag", "mention")


def _kind_of_tweet(tweet: dict) -> set[str]:
    kinds = {ref["type"] for ref in tweet.get("referenced_tweets", [])}
    found = {
        "reply"
        if "replied_to" in kinds
        else "retweet"
        if "retweeted" in kinds
        else "quote"
        if kinds
        else "original"
    }
    entities = tweet.get("entities", {})
    found |= {name for key, name in (("urls", "link"), ("hashtags", "hashtag")) if key in entities}
    if "mentions" in entities and not kinds:
        found.add("mention")
    return found


def _x_api_excerpt(path: Path) -> str:
    picked: dict[str, dict] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            page = json.loads(line)
            users = {u["id"]: u for u in page["includes"]["users"]}
            for tweet in page["data"]:
                for kind in sorted(_kind_of_tweet(tweet) - set(picked)):
                    picked[kind] = {"tweet": tweet, "author": users[tweet["author_id"]]}
    return json.dumps([picked[k] for k in KINDS if k in picked], indent=1, ensure_ascii=False, sort_keys=True)


def _csv_excerpt(path: Path, kind_of_row) -> str:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    picked: dict[str, list[str]] = {}
    for row in rows[1:]:
        for kind in sorted(kind_of_row(dict(zip(rows[0], row, strict=True))) - set(picked)):
            picked[kind] = row
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0], *(picked[k] for k in KINDS if k in picked)])
    return out.getvalue()


def _io_kind(row: dict[str, str]) -> set[str]:
    kind = (
        "retweet"
        if row["is_retweet"] == "True"
        else "reply"
        if row["in_reply_to_tweetid"]
        else "quote"
        if row["quoted_tweet_tweetid"]
        else "original"
    )
    return {kind} | {name for col, name in (("urls", "link"), ("hashtags", "hashtag")) if row[col] != "[]"}


def _qut_kind(row: dict[str, str]) -> set[str]:
    kind = "retweet" if row["repost_id"] else "reply" if row["reply_id"] else "original"
    return {kind} | ({"link"} if row["urls"] else set())


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden")
    generate(out, posts=1_000, seed=1)
    return out


@pytest.mark.parametrize(
    ("golden", "excerpt"),
    [
        ("x_api_v2.json", lambda d: _x_api_excerpt(d / "x_api_v2.jsonl")),
        ("io_archive.csv", lambda d: _csv_excerpt(d / "io_archive.csv", _io_kind)),
        ("qut.csv", lambda d: _csv_excerpt(d / "qut.csv", _qut_kind)),
    ],
)
def test_layout_excerpt_matches_golden(small: Path, golden: str, excerpt) -> None:
    got = excerpt(small)
    path = GOLDEN / golden
    if os.environ.get("UNMASK_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")
