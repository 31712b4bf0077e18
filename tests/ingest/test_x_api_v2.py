"""X API v2 / twarc2 reader: response pages, flattened tweets, and the ways such files go bad."""

from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest

from unmask.ingest.records import RejectReason
from unmask.ingest.x_api_v2 import XApiV2Layout

U1 = {
    "id": "111",
    "username": "maple_news",
    "name": "Maple News 🍁",
    "created_at": "2019-03-04T12:00:00.000Z",
    "description": "News & <b>views</b>",
    "location": "Toronto",
    "url": "https://t.co/u1",
    "public_metrics": {"followers_count": 1200, "following_count": 35, "tweet_count": 9, "listed_count": 1},
}
U2 = {
    "id": "222",
    "username": "amplifier_22",
    "name": "Amp",
    "created_at": "2023-08-30T00:00:00.000Z",
    "public_metrics": {"followers_count": 3, "following_count": 800},
}
U3 = {"id": "333", "username": "bj_watch", "name": "北京观察", "created_at": "2020-01-15T08:00:00.000Z"}
U4 = {"id": "444", "username": "obs_libre", "name": "Observateur", "created_at": "2021-06-30T10:00:00+02:00"}

T0 = {
    "id": "100",
    "author_id": "333",
    "created_at": "2023-09-02T13:00:00.000Z",
    "lang": "zh",
    "text": "加拿大议员丑闻 #加拿大",
    "conversation_id": "100",
    "entities": {"hashtags": [{"start": 7, "end": 11, "tag": "加拿大"}]},
    "public_metrics": {"retweet_count": 50, "reply_count": 1, "like_count": 7, "quote_count": 1},
}
T1 = {
    "id": "101",
    "author_id": "111",
    "created_at": "2023-09-02T14:03:11.000Z",
    "lang": "en",
    "text": "MP scandal #Canada #Ottawa @bj_watch https://t.co/x1",
    "conversation_id": "101",
    "entities": {
        "hashtags": [{"start": 11, "end": 18, "tag": "Canada"}, {"start": 19, "end": 26, "tag": "Ottawa"}],
        "mentions": [{"start": 27, "end": 36, "username": "bj_watch", "id": "333"}],
        "urls": [
            {
                "start": 37,
                "end": 60,
                "url": "https://t.co/x1",
                "expanded_url": "https://example.ca/story?id=1",
                "display_url": "example.ca/story…",
            }
        ],
    },
    "attachments": {"media_keys": ["3_900"]},
    "public_metrics": {
        "retweet_count": 3,
        "reply_count": 1,
        "like_count": 12,
        "quote_count": 0,
        "impression_count": 4567,
    },
}
T2 = {
    "id": "102",
    "author_id": "222",
    "created_at": "2023-09-02T14:05:00.000Z",
    "lang": "zh",
    "text": "RT @bj_watch: 加拿大议员丑闻 #加拿大",
    "conversation_id": "102",
    "referenced_tweets": [{"type": "retweeted", "id": "100"}],
    "public_metrics": {"retweet_count": 50, "reply_count": 0, "like_count": 0, "quote_count": 0},
}
T3 = {
    "id": "103",
    "author_id": "444",
    "created_at": "2023-09-02T16:10:00+02:00",
    "lang": "fr",
    "text": "@maple_news Quelle honte !",
    "conversation_id": "101",
    "in_reply_to_user_id": "111",
    "referenced_tweets": [{"type": "replied_to", "id": "101"}],
    "entities": {"mentions": [{"start": 0, "end": 11, "username": "maple_news", "id": "111"}]},
}
T4 = {
    "id": "104",
    "author_id": "111",
    "created_at": "2023-09-02T14:20:00.000Z",
    "lang": "en",
    "text": "Look at this",
    "referenced_tweets": [{"type": "quoted", "id": "100"}],
    "note_tweet": {"text": "Look at this — the full long text of a long post"},
}

PAGE = {
    "data": [T1, T2, T3, T4],
    "includes": {
        "users": [U1, U2, U3, U4],
        "tweets": [T0, T1],  # T1 is also in data (replied to): it must be read once
        "media": [{"media_key": "3_900", "type": "photo", "url": "https://pbs.twimg.com/media/x.jpg"}],
    },
    "meta": {"newest_id": "104", "oldest_id": "101", "result_count": 4},
    "__twarc": {
        "url": "https://api.twitter.com/2/tweets/search/all?...",
        "version": "2.14.0",
        "retrieved_at": "2023-09-03T00:00:00+00:00",
    },
}

FLAT = {  # one tweet as `twarc2 flatten` writes it
    "id": "105",
    "author_id": "222",
    "created_at": "2023-09-02T15:00:00.000Z",
    "text": "RT @maple_news: MP scandal",
    "author": U2,
    "referenced_tweets": [dict(T1, type="retweeted", author=U1)],
    "attachments": {
        "media_keys": ["7_1"],
        "media": [{"media_key": "7_1", "type": "video", "preview_image_url": "https://pbs.twimg.com/v.jpg"}],
    },
    "__twarc": {"version": "2.14.0"},
}


@pytest.fixture
def pages(write):
    page2 = {
        "data": [dict(T0, id="106", created_at="not a date"), dict(T0, id="107")],
        "includes": {"users": [U3]},
    }
    lines = [json.dumps(PAGE, ensure_ascii=False), json.dumps(page2), json.dumps(FLAT), "", "{not json"]
    return write("search.jsonl", "\n".join(lines) + "\n")


def test_pages_yield_data_and_included_tweets_once(pages, read):
    got = read(XApiV2Layout(), pages)
    ids = [p.post_id for p in got.posts]
    assert sorted(ids) == ["100", "101", "101", "102", "103", "104", "105", "107"]
    assert ids.count("101") == 2  # line 1 (page) and line 3 (expanded inside the flattened retweet)
    assert [p.source_record for p in got.posts if p.post_id == "101"] == [1, 3]
    assert sorted(a.account_id for a in got.accounts) == ["111", "222", "333", "444"]


def test_post_fields(pages, read):
    post = read(XApiV2Layout(), pages).post("104")
    assert post.text == "Look at this — the full long text of a long post"
    t1 = next(p for p in read(XApiV2Layout(), pages).posts if p.post_id == "101")
    assert t1.created_at == datetime(2023, 9, 2, 14, 3, 11)
    assert (t1.account_id, t1.lang, t1.conversation_id) == ("111", "en", "101")
    assert t1.hashtags == ["Canada", "Ottawa"]
    assert t1.urls == ["https://example.ca/story?id=1"]
    assert t1.mentions == ["333"]
    assert t1.media == ["3_900", "https://pbs.twimg.com/media/x.jpg"]
    assert (t1.like_count, t1.repost_count, t1.reply_count, t1.quote_count, t1.view_count) == (
        12,
        3,
        1,
        0,
        4567,
    )


def test_references_resolve_through_includes(pages, read):
    got = read(XApiV2Layout(), pages)
    retweet = got.post("102")
    assert (retweet.repost_of_post_id, retweet.repost_of_account_id) == ("100", "333")
    reply = got.post("103")
    assert (reply.reply_to_post_id, reply.reply_to_account_id) == ("101", "111")
    assert reply.created_at == datetime(2023, 9, 2, 14, 10)  # +02:00 normalised to UTC
    assert got.post("104").quote_of_post_id == "100"
    original = got.post("100")
    assert original.text == "加拿大议员丑闻 #加拿大" and original.hashtags == ["加拿大"]


def test_flattened_tweets_use_their_expansions(pages, read):
    got = read(XApiV2Layout(), pages)
    flat = got.post("105")
    assert (flat.repost_of_post_id, flat.repost_of_account_id) == ("101", "111")
    assert flat.media == ["7_1", "https://pbs.twimg.com/v.jpg"]
    assert flat.source_record == 3


def test_profiles(pages, read):
    got = read(XApiV2Layout(), pages)
    maple = got.account("111")
    assert (maple.handle, maple.display_name, maple.bio) == (
        "maple_news",
        "Maple News 🍁",
        "News & <b>views</b>",
    )
    assert (maple.followers, maple.following, maple.location) == (1200, 35, "Toronto")
    assert maple.created_at == datetime(2019, 3, 4, 12)
    assert got.account("444").created_at == datetime(2021, 6, 30, 8)


def test_a_bad_tweet_rejects_only_itself(pages, read):
    got = read(XApiV2Layout(), pages)
    bad_time, bad_json = got.rejects
    assert (bad_time.record_no, bad_time.field, bad_time.reason) == (
        2,
        "data[0].created_at",
        RejectReason.BAD_TIMESTAMP,
    )
    assert json.loads(bad_time.raw)["id"] == "106"
    assert "107" in [p.post_id for p in got.posts]
    assert (bad_json.record_no, bad_json.reason, bad_json.raw) == (5, RejectReason.MALFORMED, "{not json")


def _page_with(tweet: dict) -> dict:
    return {"data": [tweet], "includes": {"users": [U1]}}


@pytest.mark.parametrize(
    ("change", "reason", "field"),
    [
        (
            {"public_metrics": {"like_count": "abc"}},
            RejectReason.BAD_VALUE,
            "data[0].public_metrics.like_count",
        ),
        (
            {"public_metrics": {"like_count": True}},
            RejectReason.BAD_VALUE,
            "data[0].public_metrics.like_count",
        ),
        ({"id": None}, RejectReason.MISSING_FIELD, "data[0].id"),
        ({"author_id": ""}, RejectReason.MISSING_FIELD, "data[0].author_id"),
        ({"created_at": "0000-01-01T00:00:00Z"}, RejectReason.BAD_TIMESTAMP, "data[0].created_at"),
        ({"entities": {"hashtags": "Canada"}}, RejectReason.BAD_VALUE, "data[0].entities.hashtags"),
        ({"text": {"nested": 1}}, RejectReason.BAD_VALUE, "data[0].text"),
        ({"text": "nul \u0000 in text"}, RejectReason.BAD_ENCODING, "data[0].text"),
        ({"text": "lone \ud800 surrogate"}, RejectReason.BAD_ENCODING, "data[0].text"),
    ],
)
def test_bad_tweet_fields(write, read, change, reason, field):
    tweet = copy.deepcopy(T1) | change
    good = _page_with(copy.deepcopy(T4))
    path = write("bad.jsonl", json.dumps(good) + "\n" + json.dumps(_page_with(tweet)) + "\n")
    got = read(XApiV2Layout(), path)
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason, reject.field) == (2, reason, field)
    assert [p.post_id for p in got.posts] == ["104"]


def test_invalid_utf8_inside_a_page_rejects_that_tweet(write, read):
    page = {"data": [dict(T4, text="BADBYTES"), T3], "includes": {"users": [U1, U4]}}
    path = write("latin1.jsonl", json.dumps(page).encode().replace(b"BADBYTES", b"caf\xe9"))
    got = read(XApiV2Layout(), path)
    (reject,) = got.rejects
    assert (reject.field, reject.reason) == ("data[0].text", RejectReason.BAD_ENCODING)
    assert "caf\ufffd" in reject.raw
    assert [p.post_id for p in got.posts] == ["103"]


def test_a_cut_off_last_line_is_truncated(write, read):
    text = json.dumps(_page_with(T4)) + "\n" + json.dumps(_page_with(T1))[:-30]
    got = read(XApiV2Layout(), write("cut.jsonl", text))
    assert [p.post_id for p in got.posts] == ["104"]
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (2, RejectReason.TRUNCATED)


def test_a_pretty_printed_page_document(write, read):
    got = read(XApiV2Layout(), write("page.json", json.dumps(PAGE, indent=2, ensure_ascii=False)))
    assert sorted(p.post_id for p in got.posts) == ["100", "101", "102", "103", "104"]
    assert {p.source_record for p in got.posts} == {1}
    assert got.rejects == []


def test_a_top_level_array_numbers_records_by_index(write, read):
    path = write("tweets.json", json.dumps([dict(T4, author=U1), FLAT], indent=1))
    got = read(XApiV2Layout(), path)
    assert [(p.post_id, p.source_record) for p in got.posts] == [("104", 1), ("105", 2), ("101", 2)]


def test_a_cut_off_document_is_truncated(write, read):
    text = json.dumps([dict(T4, author=U1), FLAT], indent=1)
    got = read(XApiV2Layout(), write("cut.json", text[: len(text) // 2 + 200]))
    assert [p.post_id for p in got.posts] == ["104"]
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (2, RejectReason.TRUNCATED)


def test_single_tweet_lookup_and_unknown_author(write, read):
    path = write("lookup.json", json.dumps({"data": T2}) + "\n")
    got = read(XApiV2Layout(), path)
    (post,) = got.posts
    assert post.repost_of_post_id == "100" and post.repost_of_account_id is None
    (author,) = got.accounts  # a minimal account so the store knows every author
    assert (author.account_id, author.handle) == ("222", None)


def test_values_that_are_not_tweets(write, read):
    got = read(XApiV2Layout(), write("odd.jsonl", '42\n"text"\n{"data": 5}\n'))
    assert [(r.record_no, r.reason) for r in got.rejects] == [
        (1, RejectReason.MALFORMED),
        (2, RejectReason.MALFORMED),
        (3, RejectReason.BAD_VALUE),
    ]
    assert got.rejects[2].field == "data"
