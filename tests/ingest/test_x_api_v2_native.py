"""DuckDB's reading of twarc2 pages (ingest/x_api_v2_native.py) stores what the Python reader stores.

Every file here is ingested both ways (`both_ways`, shared with test_native.py) and the stores compared
row by row. Generated files must take the fast path; hand-written pages cover each way a real or
hostile file differs from them, and either take the fast path or fall back, always to the same store.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from interrupted import ingest_killed_in_third_batch
from test_native import both_ways

from unmask.ingest.pipeline import ingest_file
from unmask.store import Store, open_store
from unmask.synth.generate import generate

USERS = [
    {
        "id": "111",
        "username": "maple_news",
        "name": "Maple News 🍁",
        "created_at": "2019-03-04T12:00:00.000Z",
        "description": "News & <b>views</b>\n",
        "location": " ",
        "url": "https://t.co/u1",
        "public_metrics": {"followers_count": 1200, "following_count": "35", "tweet_count": 9},
    },
    {
        "id": "222",
        "username": "amp",
        "name": "",
        "created_at": "",
        "public_metrics": {"followers_count": 3.0},
    },
    {"id": " 333 ", "username": "bj_watch", "name": "北京观察", "created_at": "2020-01-15T08:00:00Z"},
]
TWEETS = [
    {
        "id": "100",
        "author_id": " 333",
        "created_at": "2023-09-02T13:00:00.000Z",
        "lang": "zh",
        "text": '加拿大议员丑闻 #加拿大 \\ "quoted"',
        "conversation_id": "100",
        "entities": {"hashtags": [{"tag": "加拿大"}, {"tag": " "}]},
        "public_metrics": {"retweet_count": 50, "reply_count": 1, "like_count": 7, "quote_count": 1},
        "edit_history_tweet_ids": ["100"],
    },
    {
        "id": "101",
        "author_id": "111",
        "created_at": "2023-09-02T14:03:11.000Z",
        "text": "MP scandal @bj_watch @ghost https://t.co/x1",
        "entities": {
            "mentions": [{"username": "bj_watch", "id": "333"}, {"username": "ghost"}],
            "urls": [
                {"url": "https://t.co/x1", "expanded_url": "https://example.ca/1"},
                {"url": "https://t.co/x2", "expanded_url": ""},
                {"url": "https://t.co/x3", "expanded_url": " "},
            ],
        },
        "attachments": {"media_keys": ["3_1", "3_2", " ", "3_3"]},
        "referenced_tweets": [{"type": "replied_to", "id": "100"}, {"type": "replied_to", "id": "99"}],
        "in_reply_to_user_id": "333",
        "public_metrics": {"impression_count": 0},
    },
    {
        "id": "102",
        "author_id": "222",
        "created_at": "2023-09-02T14:05:00.000Z",
        "text": "RT @maple_news: MP scandal",
        "referenced_tweets": [{"type": "retweeted", "id": "90"}, {"type": "quoted", "id": "91"}],
        "note_tweet": {"text": "the long text"},
    },
    {
        "id": "103",
        "author_id": "444",
        "created_at": "2023-09-02T14:06:00.000Z",
        "text": "   ",
        "note_tweet": {"text": ""},
        "referenced_tweets": [{"type": "retweeted", "id": "101"}],
    },
]
INCLUDED = [
    {"id": "90", "author_id": "555", "created_at": "2023-09-01T10:00:00.000Z", "text": "the original"},
    {"id": "90", "author_id": "556", "created_at": "2023-09-01T10:00:00.000Z", "text": "the original"},
    {"id": "101", "author_id": "111", "created_at": "2023-09-02T14:03:11.000Z", "text": "also in data"},
]
MEDIA = [
    {"media_key": "3_1", "type": "photo", "url": "https://pbs.twimg.com/1.jpg"},
    {"media_key": "3_2", "type": "video", "preview_image_url": "https://pbs.twimg.com/2.jpg"},
    {"media_key": "3_2", "type": "video", "url": ""},
]


def page(data: list[dict], users: list[dict] | None = None, **includes: list[dict]) -> dict:
    found = {"users": users or [], **includes}
    return {"data": data, "includes": found, "meta": {"result_count": len(data)}, "__twarc": {"v": "2.14"}}


def pages() -> list[dict]:
    """Three pages: reposted and quoted tweets in includes, a user first met as an author, then listed."""
    later_user = {"id": "444", "username": "late", "name": "Late", "created_at": "2021-06-30T10:00:00.000Z"}
    return [
        page(TWEETS[:2], USERS[:2], media=MEDIA),
        page(TWEETS[2:], USERS[1:], tweets=INCLUDED),
        page([TWEETS[0]], [later_user]),
    ]


def write_lines(path: Path, lines: list[dict | str], *, newline: str = "\n", ascii_only: bool = True) -> Path:
    text = newline.join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=ascii_only) for line in lines
    )
    path.write_text(text + newline, encoding="utf-8", newline="")
    return path


def test_generated_pages_take_the_fast_path(tmp_path: Path) -> None:
    """What `unmask synth` writes as twarc2 output is read by DuckDB, identically, in chunks of posts."""
    generate(tmp_path / "sample", posts=3000, seed=3)
    native, python, took_native = both_ways(tmp_path, tmp_path / "sample" / "x_api_v2.jsonl", chunk=700)
    assert took_native, "generated twarc2 pages should be clean enough for DuckDB's reader"
    assert native == python
    assert len(native["posts"]) > 2000 and len(native["accounts"]) > 100 and native["rejects"] == []


@pytest.mark.parametrize("ascii_only", [True, False])
def test_hand_written_pages_take_the_fast_path(tmp_path: Path, ascii_only: bool) -> None:
    path = write_lines(tmp_path / "p.jsonl", pages(), ascii_only=ascii_only)
    native, python, took_native = both_ways(tmp_path, path, chunk=2)
    assert took_native and native == python
    posts = {row[1]: row for row in native["posts"]}
    assert sorted(posts) == ["100", "101", "102", "103", "90"]  # 90 once (includes), 101 once (data)
    assert posts["101"][18] == [
        "3_1",
        "https://pbs.twimg.com/1.jpg",
        "3_2",
        "https://pbs.twimg.com/2.jpg",
        "3_3",
    ]
    assert (
        posts["102"][4] == "the long text" and posts["102"][11] == "556"
    )  # note_tweet; last included author
    accounts = {row[1]: row for row in native["accounts"]}
    assert accounts["444"][2] is None, "444 was first met as an author, before the page listing it"


TWEAKS = {
    "CRLF line ends": (lambda lines: lines, {"newline": "\r\n"}, True),
    "no includes": (lambda lines: [{"data": line["data"]} for line in lines], {}, True),
    "a blank line": (lambda lines: [lines[0], "", *lines[1:]], {}, False),
    "a malformed line": (lambda lines: [lines[0], '{"data": [', *lines[1:]], {}, False),
    "a trailing comma": (lambda lines: [json.dumps(lines[0])[:-1] + ",}", *lines[1:]], {}, False),
    "a nan literal": (lambda lines: [json.dumps(lines[0])[:-1] + ', "x": nan}', *lines[1:]], {}, False),
    "a NUL escape": (lambda lines: _set(lines, ["data", 0, "source"], "a\x00b"), {}, False),
    "a lone surrogate": (lambda lines: [json.dumps(lines[0]).replace("100", "\\ud800", 1)], {}, False),
    "deep nesting": (lambda lines: _set(lines, ["meta", "deep"], json.loads("[" * 40 + "]" * 40)), {}, False),
    "a numeric id": (lambda lines: _set(lines, ["data", 1, "id"], 101), {}, False),
    "a numeric mention id": (
        lambda lines: _set(lines, ["data", 1, "entities", "mentions", 0, "id"], 7),
        {},
        False,
    ),
    "a bad timestamp": (
        lambda lines: _set(lines, ["data", 0, "created_at"], "2023-02-30T00:00:00Z"),
        {},
        False,
    ),
    "an offset timestamp": (
        lambda lines: _set(lines, ["data", 0, "created_at"], "2023-09-02T13:00:00+02:00"),
        {},
        False,
    ),
    "a missing author": (lambda lines: _set(lines, ["data", 0, "author_id"], ""), {}, False),
    "a null list item": (lambda lines: _set(lines, ["data", 1, "entities", "urls", 0], None), {}, False),
    "a string count": (lambda lines: _set(lines, ["data", 0, "public_metrics", "like_count"], "7"), {}, True),
    "a fractional count": (
        lambda lines: _set(lines, ["data", 0, "public_metrics", "like_count"], 7.5),
        {},
        False,
    ),
    "a boolean text": (lambda lines: _set(lines, ["data", 0, "text"], True), {}, False),
    "an object as text": (lambda lines: _set(lines, ["data", 0, "lang"], {"x": 1}), {}, False),
    "a list as a user's name": (
        lambda lines: _set(lines, ["includes", "users", 0, "name"], ["x"]),
        {},
        False,
    ),
    "a text that looks like a list": (
        lambda lines: _set(lines, ["data", 0, "text"], "[Thread] 1/2"),
        {},
        True,
    ),
    "user entities (objects under url)": (
        lambda lines: _set(lines, ["includes", "users", 0, "entities"], {"url": {"urls": [{"url": "u"}]}}),
        {},
        True,
    ),
    "a list as entities": (lambda lines: _set(lines, ["data", 0, "entities"], []), {}, False),
    "a flattened tweet": (lambda lines: [*lines, {**TWEETS[0], "author": USERS[2]}], {}, False),
    "an expanded reference": (
        lambda lines: _set(lines, ["data", 1, "referenced_tweets", 0, "created_at"], None),
        {},
        False,
    ),
    "duplicate keys": (lambda lines: [json.dumps(lines[0])[:-1] + ', "data": []}', *lines[1:]], {}, False),
    "a conflicting duplicate": (lambda lines: _set(lines, ["data", 1, "id"], "100"), {}, True),
    "a user without id": (lambda lines: _set(lines, ["includes", "users", 0, "id"], " "), {}, False),
    "a byte-order mark": (lambda lines: ["\ufeff" + json.dumps(lines[0]), *lines[1:]], {}, False),
    "a JSON array file": (lambda lines: [json.dumps(lines)], {}, False),
}


def _set(lines: list[dict], where: list, value: object) -> list[dict]:
    changed = copy.deepcopy(lines)
    node = changed[0]
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    return changed


@pytest.mark.parametrize("case", TWEAKS)
def test_tricky_pages_match_both_ways(tmp_path: Path, case: str) -> None:
    tweak, options, fast = TWEAKS[case]
    path = write_lines(tmp_path / "p.jsonl", tweak(pages()), **options)
    native, python, took_native = both_ways(tmp_path, path, chunk=3)
    assert native == python
    assert took_native == fast, f"{case}: expected the {'fast' if fast else 'Python'} path"


# Pages varied in the fields each rule of the fast path reads; most values are clean, a few are not.
def mostly(clean: list, unclean: list) -> st.SearchStrategy:
    return st.sampled_from(clean * 40 + unclean)


texts = mostly(
    ["hello #a", "", " ", "\u2003x", "RT @x: hi", 'é🙂\\"', "[Thread] {1/2}", None], [5, True, ["x"]]
)
ids = mostly(["100", "101", "90", " 102"], ["", None, 7])
stamps = mostly(
    ["2023-09-02T13:00:00.000Z", "2023-09-02T13:00:01Z", "2023-09-02T13:00:01.999Z"],
    ["2023-09-02T13:00:00.5Z", "1969-12-31T23:59:59Z", "2023-09-02", "2023-09-02T13:00:00+01:00"],
)
tweet = st.fixed_dictionaries(
    {
        "id": ids,
        "author_id": mostly(["111", "222", "333 ", "444"], [" "]),
        "created_at": stamps,
        "text": texts,
    },
    optional={
        "note_tweet": st.fixed_dictionaries({}, optional={"text": texts}),
        "lang": texts,
        "entities": st.fixed_dictionaries(
            {},
            optional={
                "hashtags": st.lists(st.fixed_dictionaries({"tag": texts}), max_size=2),
                "mentions": st.lists(
                    st.fixed_dictionaries({}, optional={"id": ids, "username": texts}), max_size=2
                ),
                "urls": st.lists(
                    st.fixed_dictionaries({}, optional={"url": texts, "expanded_url": texts}), max_size=2
                ),
            },
        ),
        "attachments": st.fixed_dictionaries(
            {"media_keys": st.lists(mostly(["3_1", "3_2", "3_9", " "], [None]), max_size=3)}
        ),
        "referenced_tweets": st.lists(
            st.fixed_dictionaries(
                {"type": mostly(["retweeted", "quoted", "replied_to", "other"], [None]), "id": ids},
                optional={"author_id": mostly(["", "777"], [1])},
            ),
            max_size=2,
        ),
        "public_metrics": st.fixed_dictionaries(
            {}, optional={"like_count": mostly([0, 3, "4", 2.0, None], [-1, 2.5])}
        ),
    },
)
user = st.fixed_dictionaries(
    {"id": mostly(["111", "222", " 333", "444"], [""])},
    optional={
        "username": texts,
        "name": texts,
        "created_at": mostly(["", "2020-01-15T08:00:00.000Z"], ["x"]),
    },
)
a_page = st.builds(
    page,
    st.lists(tweet, max_size=3),
    st.lists(user, max_size=3),
    tweets=st.lists(tweet, max_size=2),
    media=st.sampled_from([[], MEDIA]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(a_page, min_size=1, max_size=4))
def test_varied_pages_match_both_ways(tmp_path: Path, lines: list[dict]) -> None:
    """In one chunk: the writer dedups a post's list items when a conflicting duplicate of it shares
    its chunk, and the fast path's chunks are whole pages, the Python reader's any run of records."""
    path = write_lines(tmp_path / "p.jsonl", lines)
    native, python, took_native = both_ways(tmp_path, path, chunk=10_000)
    event(f"fast path: {took_native}")
    assert native == python


@pytest.mark.parametrize("name", ["x_api_v2.jsonl", "qut.csv"])
def test_an_interrupted_native_ingest_resumes_after_its_committed_chunks(tmp_path: Path, name: str) -> None:
    """Chunks are whole pages (of about `chunk_records` posts and users); a rerun resumes after them."""
    generate(tmp_path / "sample", posts=3000, seed=5)
    path = tmp_path / "sample" / name
    reference = open_store(tmp_path / "ref.duckdb")
    expected = ingest_file(reference, path, chunk_records=400)
    assert expected.native

    store = open_store(tmp_path / "s.duckdb")
    ingest_killed_in_third_batch(store, path, chunk_records=400)
    records, posts = store.con.execute("SELECT records_done, posts_read FROM ingest_progress").fetchone()
    assert 0 < posts < expected.counts.posts_read, "two chunks were committed"
    count = "SELECT count(*) FROM posts WHERE source_record <= ?"
    (last,) = store.con.execute("SELECT max(source_record) FROM posts").fetchone()
    assert store.con.execute(count, [last]).fetchone() == reference.con.execute(count, [last]).fetchone(), (
        "chunks are whole rows: every post up to the last committed row"
    )
    assert records > posts, "with the accounts first seen in them"

    resumed = ingest_file(store, path, chunk_records=400)
    assert resumed.native and resumed.counts == expected.counts
    assert snapshot(store) == snapshot(reference)


def snapshot(store: Store) -> dict[str, list[tuple]]:
    con = store.con
    return {
        table: con.execute(f"SELECT * EXCLUDE (source_file) FROM {table} ORDER BY ALL").fetchall()
        for table in ("posts", "accounts", "rejects")
    }
