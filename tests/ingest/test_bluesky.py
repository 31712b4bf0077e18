"""Bluesky AppView responses (getAuthorFeed, searchPosts, getPostThread, JSONL of post views) written here."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.ingest.bluesky import BlueskyLayout
from unmask.ingest.pipeline import ingest_paths
from unmask.ingest.records import Account, Post, Reject, RejectReason
from unmask.ingest.registry import detect_layout

MAPLE, AMP, OBS = (
    "did:plc:maple111aaaaaaaaaaaaaaaa",
    "did:plc:amp222bbbbbbbbbbbbbbbbbb",
    "did:plc:obs333cccccccccccccccc",
)
PHOTO = {"$type": "blob", "ref": {"$link": "bafkreiphotophotophoto"}, "mimeType": "image/jpeg", "size": 48211}


def author(did: str, handle: str, name: str) -> dict:
    return {
        "did": did,
        "handle": handle,
        "displayName": name,
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/bafkreiavatar@jpeg",
        "associated": {"chat": {"allowIncoming": "following"}},
        "labels": [],
        "createdAt": "2023-08-01T12:00:00.000Z",
    }


def uri(did: str, rkey: str) -> str:
    return f"at://{did}/app.bsky.feed.post/{rkey}"


def view(did: str, handle: str, rkey: str, record: dict, embed: dict | None = None, **counts: int) -> dict:
    return {
        "uri": uri(did, rkey),
        "cid": f"bafyrei{rkey}",
        "author": author(did, handle, handle.split(".")[0].title()),
        "record": {"$type": "app.bsky.feed.post", **record},
        **({"embed": embed} if embed else {}),
        "replyCount": counts.get("replies", 0),
        "repostCount": counts.get("reposts", 0),
        "likeCount": counts.get("likes", 0),
        "quoteCount": counts.get("quotes", 0),
        "indexedAt": "2023-09-01T00:00:01.234Z",
        "labels": [],
    }


def facet(start: int, end: int, feature: dict) -> dict:
    return {"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}


P1 = view(
    MAPLE,
    "maple.bsky.social",
    "3k4duaz5vfs2b",
    {
        "text": "MP caught! #Canada https://example.ca/story",
        "createdAt": "2023-09-01T00:00:00.000Z",
        "langs": ["en"],
        "facets": [
            facet(11, 18, {"$type": "app.bsky.richtext.facet#tag", "tag": "Canada"}),
            facet(19, 43, {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.ca/story"}),
        ],
        "embed": {"$type": "app.bsky.embed.images", "images": [{"alt": "", "image": PHOTO}]},
    },
    {
        "$type": "app.bsky.embed.images#view",
        "images": [{"thumb": "https://cdn/t", "fullsize": "https://cdn/f"}],
    },
    replies=1,
    reposts=2,
    likes=10,
    quotes=1,
)
REF1 = {"uri": P1["uri"], "cid": P1["cid"]}
P2 = view(
    AMP,
    "amp.bsky.social",
    "3k4dv2aaaaa2c",
    {
        "text": "@maple.bsky.social so true",
        "createdAt": "2023-09-01T00:01:00.000Z",
        "reply": {"root": REF1, "parent": REF1},
        "facets": [facet(0, 18, {"$type": "app.bsky.richtext.facet#mention", "did": MAPLE})],
    },
)
QUOTED = {"$type": "app.bsky.embed.record#viewRecord", **{k: P1[k] for k in ("uri", "cid", "author")}}
QUOTED |= {"value": P1["record"], "indexedAt": P1["indexedAt"], "likeCount": 10, "embeds": []}
P3 = view(
    OBS,
    "obs.bsky.social",
    "3k4dv3bbbbb2d",
    {
        "text": "Regardez ça",
        "createdAt": "2023-09-01T00:02:00.000Z",
        "langs": ["fr"],
        "embed": {
            "$type": "app.bsky.embed.recordWithMedia",
            "record": {"$type": "app.bsky.embed.record", "record": REF1},
            "media": {"$type": "app.bsky.embed.images", "images": [{"alt": "", "image": PHOTO}]},
        },
    },
    {"$type": "app.bsky.embed.recordWithMedia#view", "record": {"record": QUOTED}, "media": {"images": []}},
)
P4 = view(
    OBS,
    "obs.bsky.social",
    "3k4dv4ccccc2e",
    {
        "text": "Lisez",
        "createdAt": "2023-09-01T02:03:00+02:00",
        "tags": ["scandale"],
        "embed": {
            "$type": "app.bsky.embed.external",
            "external": {"uri": "https://example.ca/b", "title": "B", "description": ""},
        },
    },
)
REPOST = {"$type": "app.bsky.feed.defs#reasonRepost", "by": author(AMP, "amp.bsky.social", "Amp")}
AMP_FEED = {
    "feed": [
        {"post": P2, "reply": {"root": P1, "parent": P1}},
        {"post": P4, "reason": REPOST | {"indexedAt": "2023-09-01T00:10:00.000Z"}},
        {
            "post": P3,
            "reason": REPOST
            | {"indexedAt": "2023-09-01T00:11:00.000Z", "uri": f"at://{AMP}/app.bsky.feed.repost/3k4rp"},
        },
    ],
    "cursor": "2023-09-01T00:00:00.000Z",
}


@pytest.fixture
def feed(write) -> Path:
    return write("getAuthorFeed.json", json.dumps(AMP_FEED, indent=2))


def test_a_feed_gives_posts_reply_context_quotes_and_reposts(feed, read):
    got = read(BlueskyLayout(), feed)
    assert [p.post_id for p in got.posts] == [
        P2["uri"],
        P1["uri"],  # the reply's parent (and root: read once)
        P4["uri"],
        f"repost:{AMP}:{P4['uri']}",
        P3["uri"],
        P1["uri"],  # hydrated in P3's embed as the post it quotes
        f"at://{AMP}/app.bsky.feed.repost/3k4rp",
    ]
    assert sorted(a.account_id for a in got.accounts) == sorted([AMP, MAPLE, OBS])
    assert got.rejects == []


def test_post_fields(feed, read):
    got = read(BlueskyLayout(), feed)
    root = next(p for p in got.posts if p.post_id == P1["uri"])
    assert (root.platform, root.account_id, root.created_at) == ("bluesky", MAPLE, datetime(2023, 9, 1))
    assert (root.text, root.lang, root.conversation_id) == (P1["record"]["text"], "en", P1["uri"])
    assert (root.urls, root.hashtags, root.media) == (
        ["https://example.ca/story"],
        ["Canada"],
        ["bafkreiphotophotophoto"],
    )
    assert (root.like_count, root.repost_count, root.reply_count, root.quote_count) == (10, 2, 1, 1)
    external = got.post(P4["uri"])
    assert (external.urls, external.hashtags) == (["https://example.ca/b"], ["scandale"])
    assert external.created_at == datetime(2023, 9, 1, 0, 3)  # +02:00 applied
    maple = got.account(MAPLE)
    assert (maple.handle, maple.display_name, maple.created_at) == (
        "maple.bsky.social",
        "Maple",
        datetime(2023, 8, 1, 12),
    )


def test_replies_quotes_and_reposts_link_accounts(feed, read):
    got = read(BlueskyLayout(), feed)
    reply = got.post(P2["uri"])
    assert (reply.reply_to_post_id, reply.reply_to_account_id, reply.conversation_id) == (
        P1["uri"],
        MAPLE,
        P1["uri"],
    )
    assert reply.mentions == [MAPLE]
    quote = got.post(P3["uri"])
    assert (quote.quote_of_post_id, quote.media, quote.lang) == (P1["uri"], ["bafkreiphotophotophoto"], "fr")
    repost = got.post(f"repost:{AMP}:{P4['uri']}")
    assert (repost.account_id, repost.repost_of_post_id, repost.repost_of_account_id) == (AMP, P4["uri"], OBS)
    assert (repost.created_at, repost.text) == (datetime(2023, 9, 1, 0, 10), None)
    named = got.post(f"at://{AMP}/app.bsky.feed.repost/3k4rp")  # the reason gives the repost record's URI
    assert named.repost_of_post_id == P3["uri"]


def test_a_reply_deeper_in_a_thread_reads_its_parent_and_root(write, read):
    record = {
        "text": "+1",
        "createdAt": "2023-09-01T00:04:00Z",
        "reply": {"root": REF1, "parent": {"uri": P2["uri"]}},
    }
    deep = view(OBS, "obs.bsky.social", "3k4dv5ddddd2f", record)
    got = read(
        BlueskyLayout(),
        write("feed.json", json.dumps({"feed": [{"post": deep, "reply": {"root": P1, "parent": P2}}]})),
    )
    assert [p.post_id for p in got.posts] == [deep["uri"], P2["uri"], P1["uri"]]
    post = got.post(deep["uri"])
    assert (post.reply_to_post_id, post.reply_to_account_id, post.conversation_id) == (
        P2["uri"],
        AMP,
        P1["uri"],
    )


def test_thread_and_search_responses(write, read):
    missing = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri(AMP, "gone"), "notFound": True}
    thread = {
        "thread": {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": P2,
            "parent": {"$type": "app.bsky.feed.defs#threadViewPost", "post": P1},
            "replies": [missing, {"$type": "app.bsky.feed.defs#threadViewPost", "post": P3, "replies": []}],
        }
    }
    got = read(BlueskyLayout(), write("thread.json", json.dumps(thread)))
    assert [p.post_id for p in got.posts] == [P2["uri"], P1["uri"], P3["uri"], P1["uri"]]
    search = {"posts": [P1, P4], "hitsTotal": 2, "cursor": "2"}
    got = read(BlueskyLayout(), write("search.json", json.dumps(search)))
    assert [p.post_id for p in got.posts] == [P1["uri"], P4["uri"]]


def test_ingest_counts_replies_and_utc_times(store, write):
    path = write("posts.jsonl", "".join(json.dumps(p) + "\n" for p in (P1, P2, P3, P4)))
    report = ingest_paths(store, [path])
    assert report.files[0].format == "bluesky" and report.rejects == {}
    con = store.con
    assert con.execute("SELECT count(*) FROM posts WHERE platform = 'bluesky'").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM accounts WHERE platform = 'bluesky'").fetchone()[0] == 3
    assert con.execute(
        "SELECT reply_to_account_id FROM posts WHERE reply_to_account_id IS NOT NULL"
    ).fetchall() == [(MAPLE,)]
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM posts").fetchone()
    assert (first, last) == (datetime(2023, 9, 1), datetime(2023, 9, 1, 0, 3))


def test_reingest_adds_nothing(store, feed, write):
    ingest_paths(store, [feed])
    posts = store.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert posts == 6  # P1 (read twice), P2, P3, P4 and the two reposts
    assert ingest_paths(store, [feed]).files[0].skipped_as == str(feed)
    again = ingest_paths(store, [write("compact.json", json.dumps(AMP_FEED))])
    assert again.posts_new == 0 and store.con.execute("SELECT count(*) FROM posts").fetchone()[0] == posts


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(AMP_FEED, indent=2),
        json.dumps({"posts": [P1], "cursor": "1"}),
        json.dumps({"thread": {"post": P1, "replies": []}}),
        "".join(json.dumps(p) + "\n" for p in (P1, P2)),
        json.dumps([AMP_FEED]),
    ],
)
def test_shapes_are_detected(write, text):
    assert detect_layout(write("bsky.json", text)).name == "bluesky"


def _bad(write, read, change: dict, at: str = "") -> Reject:
    bad = copy.deepcopy(P4)
    target = bad["record"] if at == "record" else bad
    target.update(change)
    lines = [P1, bad, P2]
    got = read(BlueskyLayout(), write("bad.jsonl", "".join(json.dumps(p) + "\n" for p in lines)))
    assert [p.post_id for p in got.posts] == [P1["uri"], P2["uri"]], "the lines around a bad one are read"
    (reject,) = got.rejects
    assert reject.record_no == 2 and reject.detail
    return reject


@pytest.mark.parametrize(
    ("at", "change", "reason", "field"),
    [
        ("record", {"createdAt": "last tuesday"}, RejectReason.BAD_TIMESTAMP, "record.createdAt"),
        ("record", {"createdAt": "10000-01-01T00:00:00Z"}, RejectReason.BAD_TIMESTAMP, "record.createdAt"),
        ("", {"uri": "https://bsky.app/profile/x/post/1"}, RejectReason.BAD_VALUE, "uri"),
        ("", {"uri": None}, RejectReason.MISSING_FIELD, "uri"),
        ("", {"author": {"handle": "no-did.bsky.social"}}, RejectReason.MISSING_FIELD, "author.did"),
        ("", {"likeCount": -1}, RejectReason.BAD_VALUE, "likeCount"),
        ("record", {"facets": {"features": []}}, RejectReason.BAD_VALUE, "record.facets"),
        ("record", {"text": "nul\x00"}, RejectReason.BAD_ENCODING, "record.text"),
    ],
)
def test_a_bad_field_rejects_its_post(write, read, at, change, reason, field):
    reject = _bad(write, read, change, at)
    assert (reject.reason, reject.field) == (reason, field)


def test_without_any_time_the_post_is_missing_created_at(write, read):
    bad = copy.deepcopy(P4)
    del bad["record"]["createdAt"], bad["indexedAt"]
    (reject,) = read(BlueskyLayout(), write("t.jsonl", json.dumps(bad) + "\n")).rejects
    assert (reject.field, reject.reason) == ("record.createdAt", RejectReason.MISSING_FIELD)


def test_indexed_at_stands_in_for_a_missing_created_at(write, read):
    bare = copy.deepcopy(P4)
    del bare["record"]["createdAt"]
    (post,) = read(BlueskyLayout(), write("t.jsonl", json.dumps(bare) + "\n")).posts
    assert post.created_at == datetime(2023, 9, 1, 0, 0, 1, 234000)


def test_a_bad_repost_reason_rejects_only_the_repost(write, read):
    feed = copy.deepcopy(AMP_FEED)
    feed["feed"][1]["reason"]["indexedAt"] = "soon"
    got = read(BlueskyLayout(), write("feed.json", json.dumps(feed)))
    (reject,) = got.rejects
    assert (reject.record_no, reject.field, reject.reason) == (
        1,
        "feed[1].reason.indexedAt",
        RejectReason.BAD_TIMESTAMP,
    )
    assert P4["uri"] in [p.post_id for p in got.posts]


def test_malformed_json_line(write, read):
    text = json.dumps(P1) + "\n" + '{"uri": "at://x", \n' + json.dumps(P2) + "\n"
    got = read(BlueskyLayout(), write("broken.jsonl", text))
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (2, RejectReason.MALFORMED)
    assert len(got.posts) == 2


def test_invalid_utf8_rejects_only_that_post(write, read):
    search = json.dumps({"posts": [P1, P4]}, ensure_ascii=False).replace("Lisez", "BAD").encode()
    got = read(BlueskyLayout(), write("latin1.json", search.replace(b"BAD", b"caf\xe9")))
    (reject,) = got.rejects
    assert (reject.field, reject.reason) == ("posts[1].record.text", RejectReason.BAD_ENCODING)
    assert [p.post_id for p in got.posts] == [P1["uri"]]


def test_a_cut_off_file_is_truncated(write, read):
    text = json.dumps(AMP_FEED, indent=2)
    got = read(BlueskyLayout(), write("cut.json", text[: len(text) // 3]))
    assert got.posts == []
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (1, RejectReason.TRUNCATED)


PREFIXES = [
    b"",
    json.dumps(P1).encode()[:200],
    b'{"feed": [{"post": {"uri": "at://did:plc:a/app.bsky.feed.post/1", "author": {"did": "a"}, "record": ',
    b'{"thread": {"post": {"uri": "at://did:plc:a/app.bsky.feed.post/1", "replies": [',
]
TOKENS = (
    b'" , : { } [ ] \n \xe9 \\u0000 1 -1 null "post" "uri" "record" "reason" "$type" "#reasonRepost"'.split(
        b" "
    )
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from(PREFIXES),
    tail=st.lists(st.one_of(st.sampled_from([*TOKENS, b" "]), st.binary(max_size=6)), max_size=40),
)
def test_arbitrary_bytes_never_raise(tmp_path, prefix, tail):
    path = tmp_path / "bsky.json"
    path.write_bytes(prefix + b"".join(tail))
    for record in BlueskyLayout().read(path):
        assert isinstance(record, Post | Account | Reject)
        if isinstance(record, Reject):
            assert record.record_no is None or record.record_no >= 1
        elif isinstance(record, Post):
            assert record.post_id and record.account_id and record.created_at.tzinfo is None
