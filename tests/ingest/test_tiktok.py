"""TikTok Research API responses (video queries, comment lists) written here, and the ways they go bad."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.ingest.pipeline import ingest_paths
from unmask.ingest.records import Account, Post, Reject, RejectReason
from unmask.ingest.registry import detect_layout
from unmask.ingest.tiktok import TikTokLayout

V1 = {
    "id": 7274000000000000001,
    "username": "maple_daily",
    "create_time": 1693526400,
    "region_code": "CA",
    "video_description": "Scandal in Ottawa #canada #politics @bj_watch",
    "hashtag_names": ["canada", "politics"],
    "video_mention_list": ["bj_watch"],
    "like_count": 120,
    "comment_count": 4,
    "share_count": 9,
    "view_count": 5400,
    "music_id": 7273999999999999999,
    "voice_to_text": "the member of parliament was caught",
    "effect_ids": ["0"],
    "is_stem_verified": False,
    "video_duration": 15,
}
V2 = {
    "id": "7274000000000000002",
    "username": "bj_watch",
    "create_time": 1693526460,
    "region_code": "SG",
    "video_description": "加拿大议员丑闻",
    "hashtag_info_list": [{"hashtag_id": "1", "hashtag_name": "加拿大", "hashtag_description": ""}],
    "like_count": 3,
    "comment_count": 0,
    "share_count": 0,
    "view_count": 88,
}
C1 = {  # a top-level comment: the API repeats the video id as its parent
    "id": 7274100000000000001,
    "video_id": 7274000000000000001,
    "parent_comment_id": 7274000000000000001,
    "text": "So true!",
    "like_count": 2,
    "reply_count": 1,
    "create_time": 1693526500,
    "username": "amp_01",
}
C2 = {
    "id": 7274100000000000002,
    "video_id": 7274000000000000001,
    "parent_comment_id": 7274100000000000001,
    "text": "Agreed 👍",
    "like_count": 0,
    "reply_count": 0,
    "create_time": 1693526510,
    "username": "amp_02",
}
ANONYMOUS = {k: v for k, v in C2.items() if k != "username"} | {"id": 7274100000000000003}


def videos_page(videos: list[dict], **data: object) -> dict:
    return {
        "data": {"videos": videos, "cursor": len(videos), "has_more": False, "search_id": "7291", **data},
        "error": {"code": "ok", "message": "", "log_id": "20230901000000"},
    }


def comments_page(comments: list[dict]) -> dict:
    return {
        "data": {"comments": comments, "cursor": len(comments), "has_more": False},
        "error": {"code": "ok", "message": "", "log_id": "20230901000001"},
    }


def jsonl(values: list[object]) -> str:
    return "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values)


@pytest.fixture
def pages(write) -> Path:
    return write("tiktok.jsonl", jsonl([videos_page([V1, V2]), comments_page([C1, C2, ANONYMOUS])]))


def test_videos(pages, read):
    got = read(TikTokLayout(), pages)
    video = got.post("7274000000000000001")
    assert (video.platform, video.account_id, video.created_at) == (
        "tiktok",
        "maple_daily",
        datetime(2023, 9, 1),
    )
    assert video.text == "Scandal in Ottawa #canada #politics @bj_watch"  # the spoken words are not text
    assert (video.hashtags, video.mentions) == (["canada", "politics"], ["bj_watch"])
    assert (video.like_count, video.reply_count, video.repost_count, video.view_count) == (120, 4, 9, 5400)
    assert video.source_record == 1
    assert got.post("7274000000000000002").hashtags == ["加拿大"]  # from hashtag_info_list
    maple = got.account("maple_daily")
    assert (maple.handle, maple.location) == ("maple_daily", "CA")


def test_comments_reply_to_their_parent(pages, read):
    got = read(TikTokLayout(), pages)
    top, nested = got.post("7274100000000000001"), got.post("7274100000000000002")
    assert (top.reply_to_post_id, top.reply_to_account_id, top.conversation_id) == (
        "7274000000000000001",
        "maple_daily",
        "7274000000000000001",
    )
    assert (nested.reply_to_post_id, nested.reply_to_account_id) == ("7274100000000000001", "amp_01")
    assert (nested.text, nested.created_at, nested.source_record) == (
        "Agreed 👍",
        datetime(2023, 9, 1, 0, 1, 50),
        2,
    )


def test_a_comment_without_username_is_rejected(pages, read):
    (reject,) = read(TikTokLayout(), pages).rejects
    assert (reject.record_no, reject.field, reject.reason) == (
        2,
        "data.comments[2].username",
        "missing_field",
    )
    assert "no author" in reject.detail


def test_ingest_counts_replies_and_utc_times(store, pages):
    report = ingest_paths(store, [pages])
    assert report.files[0].format == "tiktok" and report.rejects == {"missing_field": 1}
    con = store.con
    assert con.execute("SELECT count(*) FROM posts WHERE platform = 'tiktok'").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM accounts WHERE platform = 'tiktok'").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM posts WHERE reply_to_account_id IS NOT NULL").fetchone()[0] == 2
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM posts").fetchone()
    assert (first, last) == (datetime(2023, 9, 1), datetime(2023, 9, 1, 0, 1, 50))


def test_reingest_adds_nothing(store, pages, write):
    ingest_paths(store, [pages])
    assert ingest_paths(store, [pages]).files[0].skipped_as == str(pages)
    again = ingest_paths(store, [write("same_videos.json", json.dumps(videos_page([V1, V2]), indent=2))])
    assert again.posts_read == 2 and again.posts_new == 0
    assert store.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 4


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(videos_page([V1]), indent=2),  # one pretty-printed response
        json.dumps([videos_page([V1]), comments_page([C1])]),  # an array of responses
        jsonl([videos_page([V1]), videos_page([V2])]),
        jsonl([V1, V2]),  # bare videos
        jsonl([comments_page([{"id": 1, "video_id": 2, "text": "x", "create_time": 1}])]),
        json.dumps({"data": {"videos": [{"id": 1}], "has_more": True}}),  # fields=id only
    ],
)
def test_shapes_are_detected(write, text):
    assert detect_layout(write("tiktok.json", text)).name == "tiktok"


def test_shapes_read_the_same(write, read):
    for i, text in enumerate(
        [json.dumps(videos_page([V1, V2]), indent=1), json.dumps([videos_page([V1]), videos_page([V2])])]
    ):
        got = read(TikTokLayout(), write(f"s{i}.json", text))
        assert sorted(p.post_id for p in got.posts) == ["7274000000000000001", "7274000000000000002"]
        assert got.rejects == []


def test_an_error_response_is_rejected(write, read):
    error = {"data": {}, "error": {"code": "rate_limit_exceeded", "message": "daily quota", "log_id": "1"}}
    got = read(TikTokLayout(), write("err.jsonl", jsonl([videos_page([V1]), error])))
    (reject,) = got.rejects
    assert (reject.record_no, reject.field, reject.reason) == (2, "error", RejectReason.BAD_VALUE)
    assert "rate_limit_exceeded" in reject.detail and "daily quota" in reject.detail
    assert len(got.posts) == 1


def _bad(write, read, video: object) -> Reject:
    got = read(TikTokLayout(), write("bad.jsonl", jsonl([videos_page([V1, video, V2])])))
    assert len(got.posts) == 2, "the videos around a bad one are read"
    (reject,) = got.rejects
    assert reject.record_no == 1 and reject.detail
    return reject


@pytest.mark.parametrize(
    ("change", "reason", "field"),
    [
        ({"create_time": "yesterday"}, RejectReason.BAD_TIMESTAMP, "create_time"),
        ({"create_time": 10**14}, RejectReason.BAD_TIMESTAMP, "create_time"),
        ({"create_time": None}, RejectReason.MISSING_FIELD, "create_time"),
        ({"username": ""}, RejectReason.MISSING_FIELD, "username"),
        ({"id": None}, RejectReason.MISSING_FIELD, "id"),
        ({"like_count": -1}, RejectReason.BAD_VALUE, "like_count"),
        ({"hashtag_names": "canada"}, RejectReason.BAD_VALUE, "hashtag_names"),
        ({"region_code": ["CA"]}, RejectReason.BAD_VALUE, "region_code"),
        ({"video_description": "nul\x00"}, RejectReason.BAD_ENCODING, "video_description"),
    ],
)
def test_a_bad_field_rejects_its_video(write, read, change, reason, field):
    reject = _bad(write, read, {**V1, "id": 1, **change})
    assert (reject.reason, reject.field) == (reason, f"data.videos[1].{field}")


def test_a_video_that_is_not_an_object(write, read):
    reject = _bad(write, read, "7274000000000000009")
    assert (reject.reason, reject.field) == (RejectReason.MALFORMED, "data.videos[1]")


def test_malformed_json_line(write, read):
    text = jsonl([videos_page([V1])]) + '{"data": {"videos": [\n' + jsonl([videos_page([V2])])
    got = read(TikTokLayout(), write("broken.jsonl", text))
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (2, RejectReason.MALFORMED)
    assert len(got.posts) == 2


def test_invalid_utf8_rejects_only_that_video(write, read):
    text = jsonl([videos_page([V1, dict(V2, video_description="BAD")])]).encode()
    got = read(TikTokLayout(), write("latin1.jsonl", text.replace(b"BAD", b"caf\xe9")))
    (reject,) = got.rejects
    assert (reject.field, reject.reason) == ("data.videos[1].video_description", RejectReason.BAD_ENCODING)
    assert [p.post_id for p in got.posts] == ["7274000000000000001"]


def test_a_cut_off_document_is_truncated(write, read):
    text = json.dumps(videos_page([V1, V2]), indent=2)
    got = read(TikTokLayout(), write("cut.json", text[: len(text) // 2]))
    assert got.posts == []
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (1, RejectReason.TRUNCATED)


PREFIXES = [
    b"",
    b'{"data": {"videos": [{"id": 1, "username": "a", "create_time": ',
    b'[{"data": {"comments": [{"id": 1, "video_id": 2, "username": "u", "parent_comment_id": ',
    b'{"id": 1, "username": "a", "video_description": "',
]
TOKENS = b'" , : { } [ ] \n \xe9 \\u0000 1 -1 1e999 null "ok" "error" "code" "data" "videos"'.split(b" ")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from(PREFIXES),
    tail=st.lists(st.one_of(st.sampled_from([*TOKENS, b" "]), st.binary(max_size=6)), max_size=40),
)
def test_arbitrary_bytes_never_raise(tmp_path, prefix, tail):
    path = tmp_path / "fuzz.json"
    path.write_bytes(prefix + b"".join(tail))
    for record in TikTokLayout().read(path):
        assert isinstance(record, Post | Account | Reject)
        if isinstance(record, Reject):
            assert record.record_no is None or record.record_no >= 1
        elif isinstance(record, Post):
            assert record.post_id and record.account_id and record.created_at.tzinfo is None
