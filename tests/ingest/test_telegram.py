"""Telegram Desktop `result.json` exports, written here as the app writes them (1-space indent)."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.ingest.parsing import stable_id
from unmask.ingest.pipeline import ingest_paths
from unmask.ingest.records import Account, Post, Reject, RejectReason
from unmask.ingest.registry import detect_layout
from unmask.ingest.telegram import TelegramLayout


def message(msg_id: int, unixtime: int, sender: str, sender_id: str, text: object, **extra: object) -> dict:
    local = datetime.fromtimestamp(unixtime).isoformat()  # the exporting computer's local time
    parts = text if isinstance(text, list) else [text] if text else []
    entities = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in parts]
    return {
        "id": msg_id,
        "type": "message",
        "date": local,
        "date_unixtime": str(unixtime),
        "from": sender,
        "from_id": sender_id,
        **extra,
        "text": text,
        "text_entities": entities,
    }


T0 = 1693526400  # 2023-09-01 00:00 UTC
CHANNEL = {
    "name": "Maple Truth 🍁",
    "type": "public_channel",
    "id": 1712345678,
    "messages": [
        {
            "id": 1,
            "type": "service",
            "date": "2023-08-31T20:00:00",
            "date_unixtime": str(T0 - 3600),
            "actor": "Maple Truth 🍁",
            "actor_id": "channel1712345678",
            "action": "create_channel",
            "title": "Maple Truth 🍁",
            "text": "",
            "text_entities": [],
        },
        message(
            2,
            T0,
            "Maple Truth 🍁",
            "channel1712345678",
            [
                "MP caught! ",
                {"type": "hashtag", "text": "#Canada"},
                " read ",
                {"type": "link", "text": "https://example.ca/story"},
                " and ",
                {"type": "text_link", "text": "this", "href": "https://example.ca/b"},
                " cc ",
                {"type": "mention", "text": "@bj_watch"},
                " ",
                {"type": "mention_name", "text": "Anna", "user_id": 5550001},
            ],
            photo="photos/photo_1@01-09-2023_00-00-00.jpg",
            width=1280,
            height=720,
        ),
        message(3, T0 + 60, "Maple Truth 🍁", "channel1712345678", "Follow-up", reply_to_message_id=2),
        message(
            4, T0 + 120, "Maple Truth 🍁", "channel1712345678", "加拿大议员丑闻", forwarded_from="北京观察"
        ),
        message(
            5, T0 + 180, "Maple Truth 🍁", "channel1712345678", "", forwarded_from="北京观察", photo="p.jpg"
        ),
    ],
}
GROUP = {
    "name": "Ottawa Chat",
    "type": "public_supergroup",
    "id": 1800000001,
    "messages": [
        message(10, T0 + 300, "Anna", "user5550001", "Is this real?"),
        message(11, T0 + 310, "Bob", "user5550002", "Yes", reply_to_message_id=10),
        message(
            12,
            T0 + 320,
            "Bob",
            "user5550002",
            "Quoting the channel",
            reply_to_message_id=3,
            reply_to_peer_id="channel1712345678",
        ),
        message(13, T0 + 330, None, "user5550003", "加拿大议员丑闻", forwarded_from="北京观察"),
    ],
}


def export(chat: dict) -> str:
    return json.dumps(chat, ensure_ascii=False, indent=1)


@pytest.fixture
def channel(write) -> Path:
    return write("result.json", export(CHANNEL))


def test_messages_become_posts_and_service_messages_are_skipped(channel, read):
    got = read(TelegramLayout(), channel)
    assert [p.post_id for p in got.posts] == [f"channel1712345678/{i}" for i in (2, 3, 4, 5)]
    (account,) = got.accounts
    assert (account.platform, account.account_id, account.display_name) == (
        "telegram",
        "channel1712345678",
        "Maple Truth 🍁",
    )
    assert got.rejects == []


def test_text_entities_and_utc_time(channel, read):
    post = read(TelegramLayout(), channel).post("channel1712345678/2")
    assert post.text == "MP caught! #Canada read https://example.ca/story and this cc @bj_watch Anna"
    assert post.urls == ["https://example.ca/story", "https://example.ca/b"]
    assert (post.hashtags, post.mentions) == (["Canada"], ["bj_watch", "user5550001"])
    assert post.created_at == datetime(2023, 9, 1)  # from date_unixtime, whatever the local `date` says
    assert post.media == [] and post.source_record == 2  # the second message of the file


def test_replies_and_forwards(channel, read):
    got = read(TelegramLayout(), channel)
    reply = got.post("channel1712345678/3")
    assert (reply.reply_to_post_id, reply.reply_to_account_id) == ("channel1712345678/2", "channel1712345678")
    forward = got.post("channel1712345678/4")
    assert forward.repost_of_post_id == f"forward:{stable_id('北京观察', '加拿大议员丑闻')}"
    assert forward.repost_of_account_id is None  # the export names the source, not its id
    captionless = got.post("channel1712345678/5")
    assert (captionless.text, captionless.repost_of_post_id) == (None, None)


def test_a_full_account_export_with_several_chats(write, read):
    full = {
        "about": "Here is the data you requested from Telegram.",
        "personal_information": {"user_id": 5550009, "first_name": "Analyst"},
        "chats": {"about": "This page lists all chats from this export.", "list": [CHANNEL, GROUP]},
        "left_chats": {"about": "This page lists all supergroups and channels you left.", "list": []},
    }
    path = write("result.json", export(full))
    assert detect_layout(path).name == "telegram"
    got = read(TelegramLayout(), path)
    assert len(got.posts) == 8
    assert got.post("channel1800000001/11").reply_to_account_id == "user5550001"
    cross = got.post("channel1800000001/12")  # a reply to a message of another chat
    assert (cross.reply_to_post_id, cross.reply_to_account_id) == ("channel1712345678/3", "channel1712345678")
    same_key = {
        got.post("channel1712345678/4").repost_of_post_id,
        got.post("channel1800000001/13").repost_of_post_id,
    }
    assert len(same_key) == 1  # one message forwarded into two chats keys one original
    assert got.post("channel1800000001/13").source_record == 9  # 5 channel messages, then 4
    assert got.account("user5550003").display_name is None


def test_ingest_counts_replies_and_utc_times(store, write):
    path = write("result.json", export(GROUP))
    report = ingest_paths(store, [path])
    assert report.files[0].format == "telegram" and report.rejects == {}
    con = store.con
    assert con.execute("SELECT count(*) FROM posts WHERE platform = 'telegram'").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM accounts WHERE platform = 'telegram'").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM posts WHERE reply_to_account_id IS NOT NULL").fetchone()[0] == 1
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM posts").fetchone()
    assert (first, last) == (datetime(2023, 9, 1, 0, 5), datetime(2023, 9, 1, 0, 5, 30))


def test_reingest_adds_nothing(store, channel, write):
    ingest_paths(store, [channel])
    assert ingest_paths(store, [channel]).files[0].skipped_as == str(channel)
    compact = write("compact.json", json.dumps(CHANNEL))  # the same chat, written differently
    again = ingest_paths(store, [compact])
    assert again.posts_read == 4 and again.posts_new == 0
    assert store.con.execute("SELECT count(*) FROM posts").fetchone()[0] == 4


@pytest.mark.parametrize(
    "chat",
    [
        CHANNEL,
        {"name": "Empty", "type": "private_channel", "id": 1, "messages": []},
        {"about": "Here is the data you requested", "personal_information": {"user_id": 1}},
    ],
)
def test_exports_are_detected(write, chat):
    assert detect_layout(write("result.json", export(chat))).name == "telegram"


def _bad(write, read, change: dict) -> Reject:
    chat = copy.deepcopy(GROUP)
    chat["messages"][1].update(change)
    chat["messages"][1] = {k: v for k, v in chat["messages"][1].items() if v is not None}
    got = read(TelegramLayout(), write("bad.json", export(chat)))
    assert len(got.posts) == 3, "the messages around a bad one are read"
    (reject,) = got.rejects
    assert reject.record_no == 2 and reject.detail
    return reject


@pytest.mark.parametrize(
    ("change", "reason", "field"),
    [
        ({"date_unixtime": "yesterday"}, RejectReason.BAD_TIMESTAMP, "date_unixtime"),
        ({"date_unixtime": "99999999999999"}, RejectReason.BAD_TIMESTAMP, "date_unixtime"),
        ({"date_unixtime": None}, RejectReason.MISSING_FIELD, "date_unixtime"),  # a pre-3.x export
        ({"from_id": None}, RejectReason.MISSING_FIELD, "from_id"),
        ({"id": None}, RejectReason.MISSING_FIELD, "id"),
        ({"text": ["ok", 5]}, RejectReason.BAD_VALUE, "text[1]"),
        ({"text": 5}, RejectReason.BAD_VALUE, "text"),
        ({"from": {"first": "Bob"}}, RejectReason.BAD_VALUE, "from"),
        ({"text_entities": "x"}, RejectReason.BAD_VALUE, "text_entities"),
        ({"text": "nul\x00"}, RejectReason.BAD_ENCODING, "text"),
    ],
)
def test_a_bad_field_rejects_its_message(write, read, change, reason, field):
    reject = _bad(write, read, change)
    assert (reject.reason, reject.field) == (reason, f"messages[1].{field}")


def test_a_message_that_is_not_an_object(write, read):
    chat = copy.deepcopy(GROUP)
    chat["messages"][1] = "hello"
    (reject,) = read(TelegramLayout(), write("odd.json", export(chat))).rejects
    assert (reject.record_no, reject.field, reject.reason) == (2, "messages[1]", RejectReason.MALFORMED)


def test_a_chat_without_id_is_rejected_whole(write, read):
    chat = {k: v for k, v in GROUP.items() if k != "id"}
    got = read(TelegramLayout(), write("noid.json", export(chat)))
    assert got.posts == []
    (reject,) = got.rejects
    assert (reject.record_no, reject.field, reject.reason) == (1, "id", RejectReason.MISSING_FIELD)


def test_malformed_json_stops_at_the_error(write, read):
    text = export(GROUP).replace('"Is this real?"', '"Is this real?" oops')
    got = read(TelegramLayout(), write("broken.json", text))
    assert got.posts == []
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (1, RejectReason.MALFORMED)


def test_invalid_utf8_rejects_only_that_message(write, read):
    data = export(GROUP).replace("Is this real?", "BAD").encode().replace(b"BAD", b"caf\xe9")
    got = read(TelegramLayout(), write("latin1.json", data))
    (reject,) = got.rejects
    assert (reject.record_no, reject.field, reject.reason) == (
        1,
        "messages[0].text",
        RejectReason.BAD_ENCODING,
    )
    assert len(got.posts) == 3


def test_a_cut_off_export_is_truncated(write, read):
    """The export is streamed: the messages before the cut are read, the cut one is rejected."""
    text = export(GROUP)
    got = read(TelegramLayout(), write("cut.json", text[: len(text) * 2 // 3]))
    assert [p.post_id for p in got.posts] == ["channel1800000001/10", "channel1800000001/11"]
    (reject,) = got.rejects
    assert (reject.record_no, reject.reason) == (3, RejectReason.TRUNCATED)


PREFIXES = [
    b"",
    b'{\n "name": "c",\n "type": "public_channel",\n "id": 1,\n "messages": [\n  {"type": "message", ',
    b'{"id": 5, "type": "private_group", "messages": [{"type": "message", "from_id": "user1", "text": ',
    b'{"about": "x", "chats": {"list": [{"id": 1, "messages": [{"type": "message", "date_unixtime": ',
]
TOKENS = b'" , : { } [ ] \n \xe9 \\u0000 1 -1 1e999 null "message" "text" "type" "link" "href"'.split(b" ")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from(PREFIXES),
    tail=st.lists(st.one_of(st.sampled_from([*TOKENS, b" "]), st.binary(max_size=6)), max_size=40),
)
def test_arbitrary_bytes_never_raise(tmp_path, prefix, tail):
    path = tmp_path / "result.json"
    path.write_bytes(prefix + b"".join(tail))
    for record in TelegramLayout().read(path):
        assert isinstance(record, Post | Account | Reject)
        if isinstance(record, Reject):
            assert record.record_no is None or record.record_no >= 1
        elif isinstance(record, Post):
            assert record.post_id and record.account_id and record.created_at.tzinfo is None
