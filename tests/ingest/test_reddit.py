"""Reddit dumps (Pushshift / Arctic Shift NDJSON, zstd-compressed too) and reddit.com JSON, written here."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.ingest.pipeline import ingest_paths
from unmask.ingest.records import Account, Post, Reject, RejectReason
from unmask.ingest.reddit import RecentAuthors, RedditLayout
from unmask.ingest.registry import detect_layout

LINK_POST = {
    "id": "16x1abc",
    "name": "t3_16x1abc",
    "author": "maple_watch",
    "author_fullname": "t2_8f1k2",
    "author_created_utc": 1567296000,
    "title": "MP caught &amp; exposed",
    "selftext": "",
    "url": "https://example.ca/story?id=1&amp;src=r",
    "domain": "example.ca",
    "is_self": False,
    "created_utc": 1693526400,
    "subreddit": "canada",
    "subreddit_id": "t5_2qh68",
    "num_comments": 3,
    "score": 42,
    "permalink": "/r/canada/comments/16x1abc/mp_caught_exposed/",
}
SELF_POST = {
    "id": "16x1abd",
    "author": "bj_watch",
    "title": "加拿大议员丑闻",
    "selftext": "请转发 https://t.co/abc.",
    "url": "https://www.reddit.com/r/canada/comments/16x1abd/",
    "domain": "self.canada",
    "is_self": True,
    "created_utc": "1693526460",
    "subreddit": "canada",
    "num_comments": 0,
    "score": 1,
}
COMMENTS = [
    {
        "id": "jz0001",
        "author": "amp_01",
        "author_fullname": "t2_a1",
        "body": "So true! See [this](https://example.ca/b) &gt; everything",
        "created_utc": 1693526500,
        "link_id": "t3_16x1abc",
        "parent_id": "t3_16x1abc",
        "subreddit": "canada",
        "score": 5,
    },
    {
        "id": "jz0002",
        "author": "amp_02",
        "body": "Agreed.",
        "created_utc": 1693526510.0,
        "link_id": "t3_16x1abc",
        "parent_id": "t1_jz0001",
        "subreddit": "canada",
        "score": -3,
    },
    {
        "id": "jz0003",
        "author": "amp_01",
        "body": "[removed]",
        "created_utc": "1693526520",
        "link_id": "t3_16zzzzz",
        "parent_id": "t3_16zzzzz",
        "subreddit": "canada",
        "score": 1,
    },
]
DELETED = {
    "id": "jz0004",
    "author": "[deleted]",
    "body": "[deleted]",
    "created_utc": 1693526530,
    "link_id": "t3_16x1abc",
    "parent_id": "t1_jz0002",
}


def ndjson(things: list[dict]) -> str:
    return "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in things)


@pytest.fixture
def dump(write) -> Path:
    return write("r_canada.ndjson", ndjson([LINK_POST, SELF_POST, *COMMENTS, DELETED]))


def test_comments_and_submissions(dump, read):
    got = read(RedditLayout(), dump)
    assert sorted(p.post_id for p in got.posts) == ["16x1abc", "16x1abd", "jz0001", "jz0002", "jz0003"]
    assert sorted(a.account_id for a in got.accounts) == ["amp_01", "amp_02", "bj_watch", "maple_watch"]
    link = got.post("16x1abc")
    assert (link.platform, link.account_id, link.created_at) == (
        "reddit",
        "maple_watch",
        datetime(2023, 9, 1),
    )
    assert link.text == "MP caught & exposed"  # HTML entities unescaped, empty selftext dropped
    assert (link.urls, link.domains) == (["https://example.ca/story?id=1&src=r"], ["example.ca"])
    assert (link.like_count, link.reply_count, link.conversation_id) == (42, 3, "16x1abc")
    own = got.post("16x1abd")
    assert own.text == "加拿大议员丑闻\n\n请转发 https://t.co/abc."
    assert (own.urls, own.domains) == (["https://t.co/abc"], [])  # a self post links only what it writes
    assert own.created_at == datetime(2023, 9, 1, 0, 1)
    assert got.account("maple_watch").created_at == datetime(2019, 9, 1)


def test_comment_threads_and_reply_targets(dump, read):
    got = read(RedditLayout(), dump)
    top = got.post("jz0001")
    assert (top.reply_to_post_id, top.reply_to_account_id, top.conversation_id) == (
        "16x1abc",
        "maple_watch",
        "16x1abc",
    )
    assert top.text == "So true! See [this](https://example.ca/b) > everything"
    assert top.urls == ["https://example.ca/b"]
    nested = got.post("jz0002")
    assert (nested.reply_to_post_id, nested.reply_to_account_id) == ("jz0001", "amp_01")
    assert nested.like_count is None  # net votes below zero say nothing about likes
    assert nested.created_at == datetime(2023, 9, 1, 0, 1, 50)
    orphan = got.post("jz0003")
    assert (orphan.reply_to_post_id, orphan.reply_to_account_id) == ("16zzzzz", None)  # parent not in file
    assert orphan.text is None  # "[removed]" is no text


def test_deleted_authors_are_rejected_as_missing(dump, read):
    (reject,) = read(RedditLayout(), dump).rejects
    assert (reject.record_no, reject.field, reject.reason) == (6, "author", RejectReason.MISSING_FIELD)
    assert "[deleted]" in reject.detail


def test_ingest_counts_replies_and_utc_times(store, dump):
    report = ingest_paths(store, [dump])
    assert report.files[0].format == "reddit" and report.files[0].error is None
    con = store.con
    assert con.execute("SELECT count(*) FROM posts WHERE platform = 'reddit'").fetchone()[0] == 5
    assert con.execute("SELECT count(*) FROM accounts WHERE platform = 'reddit'").fetchone()[0] == 4
    linked = con.execute("SELECT count(*) FROM posts WHERE reply_to_account_id IS NOT NULL").fetchone()[0]
    assert linked == 2
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM posts").fetchone()
    assert (first, last) == (datetime(2023, 9, 1, 0, 0), datetime(2023, 9, 1, 0, 2))
    assert report.rejects == {"missing_field": 1}


def test_reingest_adds_nothing(store, dump):
    ingest_paths(store, [dump])
    again = ingest_paths(store, [dump])
    assert again.files[0].skipped_as == str(dump)
    copy = dump.with_name("RC_copy.ndjson")
    copy.write_bytes(dump.read_bytes() + b"\n")  # other bytes, same things
    third = ingest_paths(store, [copy])
    assert third.posts_read == 5 and third.posts_new == 0
    assert store.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 5


def test_a_zstd_monthly_dump_is_detected_and_ingested(store, write):
    data = ndjson([LINK_POST, *COMMENTS]).encode()
    path = write("RC_2023-09.zst", zstandard.ZstdCompressor(level=3).compress(data))
    assert detect_layout(path).name == "reddit"
    report = ingest_paths(store, [path])
    assert report.posts_new == 4 and report.rejects == {}


def test_a_long_window_zstd_dump_is_read(tmp_path, read):
    path = tmp_path / "RS_2023-09.zst"
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=31)
    with (
        path.open("wb") as raw,
        zstandard.ZstdCompressor(compression_params=params).stream_writer(raw) as out,
    ):
        out.write(ndjson([LINK_POST, SELF_POST]).encode())  # streamed: the frame declares a 2 GiB window
    assert len(read(RedditLayout(), path).posts) == 2


@pytest.mark.parametrize(
    "text",
    [
        ndjson([COMMENTS[0]]),
        json.dumps([LINK_POST, COMMENTS[0]], indent=2),
        json.dumps({"data": [COMMENTS[0]], "metadata": {"total_results": 1}}),
        json.dumps({"kind": "Listing", "data": {"children": [{"kind": "t3", "data": LINK_POST}]}}),
    ],
)
def test_shapes_are_detected(write, text):
    assert detect_layout(write("reddit.json", text)).name == "reddit"


def test_a_reddit_com_thread_with_nested_replies(write, read):
    reply = {"kind": "t1", "data": dict(COMMENTS[1], replies="")}
    comment = {
        "kind": "t1",
        "data": dict(COMMENTS[0], replies={"kind": "Listing", "data": {"children": [reply]}}),
    }
    thread = [
        {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": LINK_POST}]}},
        {"kind": "Listing", "data": {"children": [comment, {"kind": "more", "data": {"count": 4}}]}},
    ]
    got = read(RedditLayout(), write("thread.json", json.dumps(thread)))
    assert [p.post_id for p in got.posts] == ["16x1abc", "jz0001", "jz0002"]
    assert got.post("jz0002").reply_to_account_id == "amp_01"
    assert got.rejects == []


def test_a_listing_without_children_is_a_bad_value(write, read):
    listing = {"kind": "Listing", "data": {"children": "none", "after": None}}
    (reject,) = read(RedditLayout(), write("listing.json", json.dumps(listing))).rejects
    assert (reject.record_no, reject.field, reject.reason) == (1, "data.children", RejectReason.BAD_VALUE)


def _bad(write, read, line: str, name: str = "bad.ndjson") -> Reject:
    text = ndjson([COMMENTS[0]]) + line + ndjson([COMMENTS[1]])
    got = read(RedditLayout(), write(name, text))
    assert [p.post_id for p in got.posts] == ["jz0001", "jz0002"], "the lines around a bad one are read"
    (reject,) = got.rejects
    assert reject.record_no == 2 and reject.detail
    return reject


@pytest.mark.parametrize(
    ("change", "reason", "field"),
    [
        ({"created_utc": "yesterday"}, RejectReason.BAD_TIMESTAMP, "created_utc"),
        ({"created_utc": 1e20}, RejectReason.BAD_TIMESTAMP, "created_utc"),
        ({"created_utc": None}, RejectReason.MISSING_FIELD, "created_utc"),
        ({"id": ""}, RejectReason.MISSING_FIELD, "id"),
        ({"author": None}, RejectReason.MISSING_FIELD, "author"),
        ({"score": "lots"}, RejectReason.BAD_VALUE, "score"),
        ({"body": {"markdown": "x"}}, RejectReason.BAD_VALUE, "body"),
        ({"body": "nul\x00byte"}, RejectReason.BAD_ENCODING, "body"),
    ],
)
def test_a_bad_field_rejects_its_line(write, read, change, reason, field):
    reject = _bad(write, read, json.dumps(dict(COMMENTS[2], **change)) + "\n")
    assert (reject.reason, reject.field) == (reason, field)


def test_neither_comment_nor_submission(write, read):
    reject = _bad(write, read, json.dumps({"id": "x", "author": "a", "created_utc": 1}) + "\n")
    assert (reject.reason, reject.field) == (RejectReason.MISSING_FIELD, None)


def test_malformed_json_line(write, read):
    reject = _bad(write, read, '{"id": "x", "author": \n')
    assert (reject.reason, reject.field) == (RejectReason.MALFORMED, None)


def test_invalid_utf8_rejects_the_line(write, read):
    text = (ndjson([COMMENTS[0]]) + ndjson([dict(COMMENTS[2], body="BAD")]) + ndjson([COMMENTS[1]])).encode()
    got = read(RedditLayout(), write("latin1.ndjson", text.replace(b"BAD", b"caf\xe9")))
    (reject,) = got.rejects
    assert (reject.record_no, reject.field, reject.reason) == (2, "body", RejectReason.BAD_ENCODING)
    assert "caf\ufffd" in reject.raw


def test_a_cut_off_last_line_is_truncated(write, read):
    text = ndjson(COMMENTS[:2])
    got = read(RedditLayout(), write("cut.ndjson", text[:-25]))
    assert [p.post_id for p in got.posts] == ["jz0001"]
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (2, RejectReason.TRUNCATED)


@pytest.mark.xfail(
    strict=True,
    reason="zstandard's stream_reader ends quietly inside a cut frame; parsing.open_binary must report "
    "an unfinished zstd frame (as gzip's EOFError) for TextSource.truncation to see it",
)
def test_a_cut_off_zstd_stream_is_truncated(write, read):
    packed = zstandard.ZstdCompressor().compress(ndjson(COMMENTS[:2]).encode())
    got = read(RedditLayout(), write("RC_cut.zst", packed[:-6]))
    assert RejectReason.TRUNCATED in {r.reason for r in got.rejects}


def test_recent_authors_forget_the_oldest():
    authors = RecentAuthors(size=2)
    for key in ("t1_a", "t1_b", "t1_c"):
        authors.add(key, key.upper())
    assert (authors.get("t1_a"), authors.get("t1_b"), authors.get("t1_c"), authors.get(None)) == (
        None,
        "T1_B",
        "T1_C",
        None,
    )


PREFIXES = [
    b"",
    json.dumps(COMMENTS[0]).encode()[:60],
    b'{"kind": "Listing", "data": {"children": [{"kind": "t1", "data": {"id": "a", "author": "b", "body": ',
    b'[{"id": "a", "author": "b", "title": "t", "created_utc": ',
]
TOKENS = b'" , : { } [ ] \n \xe9 \\u0000 1 -1 null "t1_x" "[deleted]" "replies" "kind" "Listing"'.split(b" ")
CHUNKS = st.sampled_from([*TOKENS, b" "])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from(PREFIXES), tail=st.lists(st.one_of(CHUNKS, st.binary(max_size=6)), max_size=40))
def test_arbitrary_bytes_never_raise(tmp_path, prefix, tail):
    path = tmp_path / "fuzz.ndjson"
    path.write_bytes(prefix + b"".join(tail))
    for record in RedditLayout().read(path):
        assert isinstance(record, Post | Account | Reject)
        if isinstance(record, Reject):
            assert record.record_no is None or record.record_no >= 1
        elif isinstance(record, Post):
            assert record.post_id and record.account_id and record.created_at.tzinfo is None
