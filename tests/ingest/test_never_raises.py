"""Property: every layout reads arbitrary bytes without raising, and yields only storable records."""

from __future__ import annotations

import itertools
import json
from dataclasses import fields
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.errors import UnknownFormatError
from unmask.ingest.generic import GenericLayout, parse_mapping
from unmask.ingest.records import Account, Post, Reject, RejectReason
from unmask.ingest.registry import LAYOUTS, detect_layout

GENERIC_CSV = GenericLayout(
    parse_mapping(
        {
            "platform": {"column": "a", "prefixes": {"fb_": "facebook"}, "default": "x"},
            "post": {
                "post_id": {"hash": ["a", "t"], "with_record": True},
                "account_id": "a",
                "created_at": "t",
                "urls": {"column": "u", "split": " "},
                "hashtags": {"column": "h", "split": "brackets"},
                "like_count": "n",
            },
            "account": {"followers": "n", "created_at": "t"},
        }
    )
)
GENERIC_JSONL = GenericLayout(
    parse_mapping(
        {
            "format": "jsonl",
            "platform": "x",
            "post": {
                "post_id": "id",
                "account_id": "user.id",
                "created_at": "t",
                "urls": {"column": "links", "key": "url"},
                "like_count": "n",
            },
        }
    )
)
ALL_LAYOUTS = {**LAYOUTS, "generic_csv": GENERIC_CSV, "generic_jsonl": GENERIC_JSONL}

# Prefixes that get a reader past its first checks, so random tails exercise the record parsers.
PREFIXES = [
    b"",
    b"a,t,u,h,n\n",
    b"message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n",
    b"tweetid,userid,tweet_time,tweet_text,like_count,hashtags,is_retweet\n1,2,2020-01-01 00:00,",
    b'{"data": [{"id": "1", "author_id": "2", "created_at": "',
    b'[{"id": "1", "author_id": "2", "created_at": "2020-01-01T00:00:00Z", "text": "',
    b'{"id": "1", "user": {"id": 2}, "t": ',
    b"\xef\xbb\xbf",
]

CHUNKS = st.sampled_from(
    [b",", b'"', b"\n", b"\r\n", b"\x00", b"\xff\xfe", b"\xe9", b"[", b"]", b"{", b"}", b":", b"'", b"\\u",
     b"\\ud800", b"1", b"-1", b"1e999", b"2020-01-01", b"fb_", b"null", b"true", b"\"id\"", b"\"data\"", b" "]
)  # fmt: skip
CONTENT = st.one_of(
    st.binary(max_size=400),
    st.lists(st.one_of(CHUNKS, st.binary(max_size=8)), max_size=60).map(b"".join),
)


def _storable(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" not in value and value.encode("utf-8", "strict") is not None
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    return True


def check_records(records: list) -> None:
    for record in records:
        assert isinstance(record, Post | Account | Reject)
        for f in fields(record):
            assert _storable(getattr(record, f.name)), (record, f.name)
        if isinstance(record, Post):
            assert record.post_id and record.account_id and record.platform
            assert isinstance(record.created_at, datetime) and record.created_at.tzinfo is None
        elif isinstance(record, Reject):
            assert isinstance(record.reason, RejectReason)
            assert record.record_no is None or record.record_no >= 1


@pytest.mark.parametrize("name", list(ALL_LAYOUTS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from(PREFIXES), content=CONTENT)
def test_read_never_raises(tmp_path: Path, name: str, prefix: bytes, content: bytes) -> None:
    suffix = ".jsonl" if name in ("x_api_v2", "generic_jsonl") else ".csv"
    path = tmp_path / f"input{suffix}"
    path.write_bytes(prefix + content)
    records = list(ALL_LAYOUTS[name].read(path))
    check_records(records)


@pytest.mark.parametrize("name", list(ALL_LAYOUTS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_prefix_of_a_good_file_never_raises(tmp_path: Path, name: str, data: st.DataObject) -> None:
    """Files cut at any byte (a partial download) read without raising."""
    good = {
        "x_api_v2": json.dumps(
            {
                "data": [
                    {"id": "1", "author_id": "2", "created_at": "2020-01-01T00:00:00Z", "text": "加拿大 ça"}
                ]
            },
            indent=1,
        ).encode(),
        "generic_jsonl": b'{"id": "1", "user": {"id": 2}, "t": 1600000000, "links": [{"url": "u"}]}\n' * 3,
    }.get(name, "a,t,u,h,n\nfb_1,1600000000,u1 u2,\"['é', 'b']\",3\n".encode() * 3)
    cut = data.draw(st.integers(min_value=0, max_value=len(good)))
    path = tmp_path / ("input.jsonl" if name in ("x_api_v2", "generic_jsonl") else "input.csv")
    path.write_bytes(good[:cut])
    check_records(list(itertools.islice(ALL_LAYOUTS[name].read(path), 1000)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from(PREFIXES), content=CONTENT, suffix=st.sampled_from([".csv", ".jsonl", ".json", ""])
)
def test_detection_either_finds_a_layout_or_says_unknown(
    tmp_path: Path, prefix: bytes, content: bytes, suffix: str
):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(prefix + content)
    try:
        layout = detect_layout(path)
    except UnknownFormatError as exc:
        assert str(path) in str(exc)
    else:
        check_records(list(layout.read(path)))
