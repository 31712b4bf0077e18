"""Telegram Desktop exports are one document as big as the chat: read as a stream, whatever their size."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.ingest import json_stream
from unmask.ingest.json_stream import JsonStream, JsonSyntaxError
from unmask.ingest.parsing import MAX_RECORD_CHARS
from unmask.ingest.records import Account, Post, Reject, RejectReason
from unmask.ingest.telegram import TelegramLayout

T0 = 1693526400  # 2023-09-01 00:00 UTC
TEXT = 2_000  # characters of each message's text


def message(number: int, text: str, **extra: object) -> dict:
    return {
        "id": number,
        "type": "message",
        "date": "2023-08-31T20:00:00",
        "date_unixtime": str(T0 + number),
        "from": f"Member {number % 50}",
        "from_id": f"user{5_550_000 + number % 50}",
        **extra,
        "text": text,
        "text_entities": [{"type": "plain", "text": text}],
    }


def write_export(path: Path, messages: int, *, broken_at: int | None = None) -> None:
    """A supergroup export written as the app writes it (one-space indent), a message at a time."""
    head = {"name": "Big Chat", "type": "public_supergroup", "id": 1_800_000_002}
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(head, indent=1)[:-2] + ',\n "messages": [')
        for number in range(1, messages + 1):
            text = f"{number:07d} " + "x" * (TEXT - 8)
            body = json.dumps(
                message(number, text, reply_to_message_id=number - 1) if number > 1 else message(1, text),
                indent=1,
            )
            if number == broken_at:
                body = body.replace('"type": "message"', '"type" "message"')
            fh.write(("\n  " if number == 1 else ",\n  ") + body.replace("\n", "\n  "))
        fh.write("\n ]\n}\n")


def test_an_export_longer_than_the_record_limit_is_read_whole_in_little_memory(tmp_path: Path) -> None:
    count = MAX_RECORD_CHARS // TEXT + 500
    path = tmp_path / "result.json"
    write_export(path, count)
    assert path.stat().st_size > MAX_RECORD_CHARS  # the old reader's limit on the whole document
    posts = accounts = replies = 0
    last = None
    tracemalloc.start()
    try:
        for record in TelegramLayout().read(path):
            assert not isinstance(record, Reject), record
            if isinstance(record, Post):
                posts += 1
                replies += record.reply_to_account_id is not None
                last = record
            else:
                accounts += isinstance(record, Account)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (posts, accounts, replies) == (count, 50, count - 1)
    assert last is not None and last.post_id == f"channel1800000002/{count}" and last.source_record == count
    assert last.text.startswith(f"{count:07d} ") and len(last.text) == TEXT
    assert peak < path.stat().st_size / 5, f"peak {peak:,} bytes for a {path.stat().st_size:,}-byte file"


def test_a_syntax_error_keeps_the_messages_before_it(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    write_export(path, 40, broken_at=31)
    records = list(TelegramLayout().read(path))
    posts = [r for r in records if isinstance(r, Post)]
    (reject,) = [r for r in records if isinstance(r, Reject)]
    assert [p.post_id for p in posts] == [f"channel1800000002/{n}" for n in range(1, 31)]
    assert (reject.record_no, reject.reason) == (31, RejectReason.MALFORMED)
    assert reject.raw.lstrip().startswith("{")  # from the broken message on


def test_messages_before_the_chat_id_are_held_until_it_comes(tmp_path: Path) -> None:
    chat = {"name": "Odd", "messages": [message(1, "first"), message(2, "second")], "type": "public_channel"}
    chat["id"] = 77
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat, indent=1), encoding="utf-8")
    posts = [r for r in TelegramLayout().read(path) if isinstance(r, Post)]
    assert [(p.post_id, p.source_record) for p in posts] == [("channel77/1", 1), ("channel77/2", 2)]


def _walk(stream: JsonStream) -> object:
    """A value rebuilt through the stream's containers, as the Telegram reader walks a document."""
    char = stream.peek()
    if char == "{":
        return {key: _walk(stream) for key in stream.members()}
    if char == "[":
        return [_walk(stream) for _ in stream.elements()]
    value, _ = stream.value()
    return value


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(value=JSON, indent=st.sampled_from([None, 0, 1, 3]), chunk=st.integers(1, 12))
def test_walking_a_document_gives_back_its_value_at_any_chunk_size(value, indent, chunk) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_stream, "CHUNK", chunk)
        stream = JsonStream(io.StringIO(text + "\n"))
        assert _walk(stream) == value and stream.peek() == ""


@settings(max_examples=150, deadline=None)
@given(value=JSON.filter(lambda v: isinstance(v, dict | list)), cut=st.floats(0.0, 0.999))
def test_a_cut_document_raises_truncated(value, cut) -> None:
    text = json.dumps(value, indent=1)
    stream = JsonStream(io.StringIO(text[: int(len(text) * cut)]))
    with pytest.raises(JsonSyntaxError) as raised:
        _walk(stream)
    assert raised.value.reason == RejectReason.TRUNCATED
