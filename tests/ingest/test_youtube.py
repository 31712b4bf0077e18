"""YouTube Data API v3 responses (videos, comment threads, comments, channels), written here."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.engines.duckdb import DuckDBEngine
from unmask.ingest.pipeline import ingest_paths
from unmask.ingest.records import RejectReason
from unmask.ingest.registry import detect_layout
from unmask.ingest.youtube import YouTubeLayout
from unmask.signals.co_reply import CO_REPLY, co_reply_events
from unmask.store import Store

MP_CHANNEL = "UCJaneDoeMP00000000000a"
TROLLS = [f"UCmaplePatriot000000000{i}" for i in range(3)]
VIDEO = "dQw4w9WgXcQ"


def video(video_id: str, channel: str, published: str, title: str, description: str) -> dict:
    return {
        "kind": "youtube#video",
        "etag": "e1",
        "id": video_id,
        "snippet": {
            "publishedAt": published,
            "channelId": channel,
            "title": title,
            "description": description,
            "channelTitle": "Jane Doe MP",
            "tags": ["Canada", "town hall"],
            "categoryId": "25",
            "liveBroadcastContent": "none",
            "defaultAudioLanguage": "en",
        },
        "statistics": {"viewCount": "15234", "likeCount": "310", "favoriteCount": "0", "commentCount": "42"},
    }


def yt_comment(comment_id: str, author: str, published: str, text: str, **snippet: object) -> dict:
    return {
        "kind": "youtube#comment",
        "etag": "e2",
        "id": comment_id,
        "snippet": {
            "channelId": MP_CHANNEL,
            "videoId": VIDEO,
            "textDisplay": text.replace("&", "&amp;"),
            "textOriginal": text,
            "authorDisplayName": f"@patriot-{author[-1]}",
            "authorProfileImageUrl": "https://yt3.ggpht.com/a.jpg",
            "authorChannelUrl": f"http://www.youtube.com/@patriot-{author[-1]}",
            "authorChannelId": {"value": author},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 4,
            "publishedAt": published,
            "updatedAt": published,
            **snippet,
        },
    }


def thread(top: dict, replies: list[dict], **snippet: object) -> dict:
    found = {
        "kind": "youtube#commentThread",
        "etag": "e3",
        "id": top["id"],
        "snippet": {
            "channelId": MP_CHANNEL,
            "videoId": VIDEO,
            "topLevelComment": top,
            "canReply": True,
            "totalReplyCount": len(replies),
            "isPublic": True,
            **snippet,
        },
    }
    if replies:
        found["replies"] = {"comments": replies}
    return found


def response(kind: str, items: list[dict]) -> dict:
    return {
        "kind": f"youtube#{kind}ListResponse",
        "etag": "e0",
        "nextPageToken": "QURTSl9p",
        "pageInfo": {"totalResults": len(items), "resultsPerPage": 100},
        "items": items,
    }


TOPS = [
    yt_comment(f"UgzTop{i}", TROLLS[i], f"2023-09-02T14:0{i}:0{i}Z", "Resign now! The scandal is real")
    for i in range(3)
]
MP_REPLY = yt_comment(
    "UgzTop0.9xAbC", MP_CHANNEL, "2023-09-02T15:00:00Z", "@patriot-0 Please keep it civil", parentId="UgzTop0"
)
MP_REPLY["snippet"]["authorDisplayName"] = "@JaneDoeMP"
TROLL_REPLY = yt_comment(
    "UgzTop0.9xDeF", TROLLS[1], "2023-09-02T15:01:00Z", "@JaneDoeMP liar", parentId="UgzTop0"
)
THREADS = [thread(TOPS[0], [MP_REPLY, TROLL_REPLY]), thread(TOPS[1], []), thread(TOPS[2], [])]
CHANNEL_TALK = thread(
    yt_comment("UgzChan1", TROLLS[2], "2023-09-03T09:00:00Z", "Your channel is propaganda", videoId=None),
    [],
    videoId=None,
)


@pytest.fixture
def videos_json(write) -> Path:
    text = "2023-09-01 town hall\n\nFull recording. #Ottawa"
    items = [video(VIDEO, MP_CHANNEL, "2023-09-01T22:15:00Z", "Town hall", text)]
    return write("videos.json", json.dumps(response("video", items), indent=2))


@pytest.fixture
def threads_json(write) -> Path:
    return write("threads.json", json.dumps(response("commentThread", [*THREADS, CHANNEL_TALK]), indent=2))


def _rows(store: Store, sql: str) -> list[tuple]:
    return store.con.execute(sql).fetchall()


def test_videos_and_threads_are_detected_and_linked(store, videos_json, threads_json):
    report = ingest_paths(store, [videos_json, threads_json])
    assert [f.format for f in report.files] == ["youtube", "youtube"]
    assert report.posts_new == 1 + 6 and report.rejects == {}
    replies = _rows(
        store,
        "SELECT post_id, account_id, reply_to_post_id, reply_to_account_id, conversation_id, created_at "
        "FROM posts WHERE post_id <> 'dQw4w9WgXcQ' ORDER BY post_id",
    )
    assert replies == [
        ("UgzChan1", TROLLS[2], None, MP_CHANNEL, "UgzChan1", datetime(2023, 9, 3, 9)),  # channel discussion
        ("UgzTop0", TROLLS[0], VIDEO, MP_CHANNEL, VIDEO, datetime(2023, 9, 2, 14, 0, 0)),
        ("UgzTop0.9xAbC", MP_CHANNEL, "UgzTop0", TROLLS[0], VIDEO, datetime(2023, 9, 2, 15)),
        ("UgzTop0.9xDeF", TROLLS[1], "UgzTop0", TROLLS[0], VIDEO, datetime(2023, 9, 2, 15, 1)),
        ("UgzTop1", TROLLS[1], VIDEO, MP_CHANNEL, VIDEO, datetime(2023, 9, 2, 14, 1, 1)),
        ("UgzTop2", TROLLS[2], VIDEO, MP_CHANNEL, VIDEO, datetime(2023, 9, 2, 14, 2, 2)),
    ]
    assert _rows(store, "SELECT DISTINCT platform FROM posts") == [("youtube",)]
    assert _rows(store, "SELECT count(*) FROM accounts") == [(4,)]


def test_co_reply_sees_the_commenters(store, threads_json):
    ingest_paths(store, [threads_json])
    engine = DuckDBEngine(store)
    events = engine.to_arrow(co_reply_events(engine, CO_REPLY))
    keys = events["key"].to_pylist()
    assert keys.count(f"youtube:{MP_CHANNEL}") == 4  # three video comments, one on the channel


def test_video_and_comment_fields(videos_json, threads_json, read):
    got = read(YouTubeLayout(), videos_json)
    (post,) = got.posts
    assert post.text == "Town hall\n\n2023-09-01 town hall\n\nFull recording. #Ottawa"
    assert (post.post_id, post.account_id, post.lang) == (VIDEO, MP_CHANNEL, "en")
    assert (post.view_count, post.like_count, post.reply_count) == (15234, 310, 42)
    assert post.created_at == datetime(2023, 9, 1, 22, 15)
    assert got.account(MP_CHANNEL).display_name == "Jane Doe MP"
    comments = read(YouTubeLayout(), threads_json)
    top = comments.post("UgzTop0")
    assert (top.text, top.like_count, top.reply_count) == ("Resign now! The scandal is real", 4, 2)
    troll = comments.account(TROLLS[0])
    assert (troll.handle, troll.display_name) == ("patriot-0", "@patriot-0")
    assert troll.profile_url == "http://www.youtube.com/@patriot-0"


def test_comment_list_lines_and_channels(write, read):
    """JSON lines of single items: replies found by parentId, and channel profiles as accounts."""
    later = yt_comment("UgzTop9.x2", TROLLS[2], "2023-09-02T16:00:00Z", "agree", parentId="UgzTop0.9xDeF")
    orphan = yt_comment("UgzOther.x1", TROLLS[2], "2023-09-02T16:01:00Z", "+1", parentId="UgzOther")
    channel = {
        "kind": "youtube#channel",
        "id": TROLLS[2],
        "snippet": {
            "title": "Maple Patriot 2",
            "description": "Truth about Ottawa",
            "customUrl": "@maplepatriot2",
            "publishedAt": "2023-08-20T03:11:09.123456Z",
            "country": "CA",
        },
        "statistics": {"subscriberCount": "12", "videoCount": "0", "hiddenSubscriberCount": False},
    }
    lines = [TROLL_REPLY, later, orphan, channel]
    got = read(YouTubeLayout(), write("comments.jsonl", "".join(json.dumps(i) + "\n" for i in lines)))
    assert got.rejects == []
    assert (got.post("UgzTop9.x2").reply_to_post_id, got.post("UgzTop9.x2").reply_to_account_id) == (
        "UgzTop0.9xDeF",
        TROLLS[1],
    )
    assert (got.post("UgzOther.x1").reply_to_post_id, got.post("UgzOther.x1").reply_to_account_id) == (
        "UgzOther",
        None,  # the parent is not in this file
    )
    profile = got.account(TROLLS[2])
    assert (profile.handle, profile.display_name, profile.followers, profile.location) == (
        "patriot-2",  # the first sighting (a comment) wins within a file
        "@patriot-2",
        None,
        None,
    )
    channels_only = read(YouTubeLayout(), write("channels.json", json.dumps(response("channel", [channel]))))
    (account,) = channels_only.accounts
    assert (account.handle, account.followers, account.location, account.bio) == (
        "maplepatriot2",
        12,
        "CA",
        "Truth about Ottawa",
    )
    assert account.created_at == datetime(2023, 8, 20, 3, 11, 9, 123456) and channels_only.posts == []


def test_an_array_of_responses_and_items_without_kind(write, read):
    bare = copy.deepcopy(TOPS[1])
    del bare["kind"]
    pages = [response("commentThread", [THREADS[0]]), {"items": [bare]}]
    path = write("pages.json", json.dumps(pages))
    assert detect_layout(path).name == "youtube"
    got = read(YouTubeLayout(), path)
    assert sorted(p.post_id for p in got.posts) == ["UgzTop0", "UgzTop0.9xAbC", "UgzTop0.9xDeF", "UgzTop1"]
    assert got.post("UgzTop1").source_record == 2  # the second response of the array


def test_reingest_is_idempotent(store, videos_json, threads_json):
    ingest_paths(store, [videos_json, threads_json])
    before = _rows(store, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM accounts)")
    again = ingest_paths(store, [videos_json, threads_json])
    assert all(f.skipped_as for f in again.files)
    assert _rows(store, "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM accounts)") == before


def _set(item: dict, dotted: str, value: object) -> dict:
    changed = copy.deepcopy(item)
    *parents, last = dotted.split(".")
    target = changed
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return changed


TOP = "snippet.topLevelComment."


@pytest.mark.parametrize(
    ("dotted", "value", "reason", "field", "posts"),
    [
        (TOP + "snippet.publishedAt", "noon", RejectReason.BAD_TIMESTAMP, TOP + "snippet.publishedAt", 2),
        (TOP + "snippet.publishedAt", KeyError, RejectReason.MISSING_FIELD, TOP + "snippet.publishedAt", 2),
        (TOP + "snippet.authorChannelId", KeyError, RejectReason.MISSING_FIELD,
         TOP + "snippet.authorChannelId.value", 2),
        (TOP + "snippet.likeCount", "many", RejectReason.BAD_VALUE, TOP + "snippet.likeCount", 2),
        (TOP + "id", 12, RejectReason.BAD_VALUE, TOP + "id", 2),
        (TOP + "snippet.textOriginal", "nul\x00", RejectReason.BAD_ENCODING, TOP + "snippet.textOriginal", 2),
        ("replies.comments.0.snippet.textOriginal", "\udc80", RejectReason.BAD_ENCODING,
         "replies.comments[0].snippet.textOriginal", 2),
        ("snippet.topLevelComment", KeyError, RejectReason.MISSING_FIELD, "snippet.topLevelComment", 0),
        ("snippet.videoId", 7, RejectReason.BAD_VALUE, "snippet.videoId", 0),
        ("snippet.totalReplyCount", -1, RejectReason.BAD_VALUE, "snippet.totalReplyCount", 0),
        ("replies", [], RejectReason.BAD_VALUE, "replies", 0),
        ("kind", "youtube#searchResult", RejectReason.BAD_VALUE, "kind", 0),
    ],
)  # fmt: skip
def test_a_bad_comment_rejects_only_itself(store, write, dotted, value, reason, field, posts):
    """A bad comment is one reject; a bad thread rejects its comments; the other threads are read."""
    page = response("commentThread", [THREADS[1], _set(THREADS[0], dotted, value), THREADS[2]])
    report = ingest_paths(store, [write("threads.json", json.dumps(page))])
    assert report.posts_new == 2 + posts and report.rejects == {str(reason): 1}
    ((record_no, got_field, got_reason, detail),) = _rows(
        store, "SELECT record_no, field, reason, detail FROM rejects"
    )
    assert (record_no, got_field, got_reason) == (1, f"items[1].{field}", str(reason)) and detail


def test_broken_lines_truncation_and_values_that_are_not_resources(write, read):
    lines = [
        json.dumps(TOPS[0]),
        '{"kind": "youtube#comment", "id": ',  # broken line
        json.dumps({"kind": "youtube#commentListResponse", "items": {"id": "x"}}),
        json.dumps([TOPS[1], "not a resource"]),
        json.dumps({"error": {"code": 403, "message": "quotaExceeded"}}),
        json.dumps(TOPS[2])[:-3],  # the download was cut
    ]
    got = read(YouTubeLayout(), write("mixed.jsonl", "\n".join(lines)))
    assert [p.post_id for p in got.posts] == ["UgzTop0", "UgzTop1"]
    assert [(r.record_no, r.field, r.reason) for r in got.rejects] == [
        (2, None, RejectReason.MALFORMED),
        (3, "items", RejectReason.BAD_VALUE),
        (4, "[1]", RejectReason.MALFORMED),
        (5, "kind", RejectReason.BAD_VALUE),
        (6, None, RejectReason.TRUNCATED),
    ]


def test_invalid_utf8_bytes_reject_their_comment(write, read):
    text = json.dumps(response("commentThread", THREADS), ensure_ascii=False)
    raw = text.encode().replace(b"liar", b"l\xefar")
    got = read(YouTubeLayout(), write("latin1.json", raw))
    (reject,) = got.rejects
    assert (reject.field, reject.reason) == ("items[0].replies.comments[1].snippet.textDisplay",
                                              RejectReason.BAD_ENCODING)  # fmt: skip
    assert "l\ufffdar" in reject.raw and len(got.posts) == 4


def test_sniff(write):
    layout = YouTubeLayout()
    head = json.dumps(response("video", [])).encode()
    assert layout.sniff(head, write("v.json", head))
    tweet = b'{"data": [{"id": "1", "author_id": "2", "text": "youtube rocks"}]}'
    assert not layout.sniff(tweet, write("t.json", tweet))
    assert not layout.sniff(b"kind,id\nyoutube#video,1\n", write("c.csv", b""))


HEADS = [
    b'{"kind": "youtube#commentThreadListResponse", "items": [{"kind": "youtube#commentThread", "snippet": {',
    b'{"kind": "youtube#comment", "id": "c", "snippet": {"authorChannelId": {"value": "U"}, "publishedAt": ',
    b'[{"kind": "youtube#videoListResponse", "items": [{"kind": "youtube#video", "id": "v1", "snippet": ',
    b"",
]
TAILS = st.lists(
    st.one_of(
        st.sampled_from([b",", b'"', b"\n", b"{", b"}", b"[", b"]", b":", b"\x00", b"\xe9", b"\\ud800",
                         b"null", b"-1", b"1e999", b'"items"', b'"replies"', b'"topLevelComment"',
                         b'"parentId"', b'"2023-09-02T14:00:00Z"', b'"youtube#comment"']),
        st.binary(max_size=6),
    ),
    max_size=60,
).map(b"".join)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from(HEADS), tail=TAILS)
def test_arbitrary_bytes_never_raise_and_always_store(store, tmp_path, head, tail):
    """Whatever the bytes, reading yields only records the store accepts (or rejects), never an error."""
    path = tmp_path / "any.json"
    path.write_bytes(head + tail)
    (result,) = ingest_paths(store, [path], format="youtube").files
    assert result.error is None
