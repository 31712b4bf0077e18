"""The shared low-level helpers: timestamps, counts, list cells, CSV rows, JSON records, compression."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmask.ingest import json_stream, parsing
from unmask.ingest.parsing import (
    CsvRow,
    iter_csv_rows,
    iter_json,
    parse_bool,
    parse_count,
    parse_list_cell,
    parse_timestamp,
    printable,
    split_cell,
)
from unmask.ingest.records import Reject, RejectReason


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("2023-09-02T14:03:11.000Z", "auto", datetime(2023, 9, 2, 14, 3, 11)),
        ("2023-09-02T16:03:11+02:00", "auto", datetime(2023, 9, 2, 14, 3, 11)),
        ("2023-09-02T09:33:11-04:30", "iso", datetime(2023, 9, 2, 14, 3, 11)),
        ("2023-09-02 14:03", "auto", datetime(2023, 9, 2, 14, 3)),  # IO archive: minutes, UTC
        ("2014-05-29", "auto", datetime(2014, 5, 29)),
        ("Sat Sep 02 14:03:11 +0000 2023", "auto", datetime(2023, 9, 2, 14, 3, 11)),  # Twitter v1
        ("1693663391", "auto", datetime(2023, 9, 2, 14, 3, 11)),
        ("1693663391.25", "posix", datetime(2023, 9, 2, 14, 3, 11, 250000)),
        ("-86400", "posix", datetime(1969, 12, 31)),
        ("1693663391250", "posix_ms", datetime(2023, 9, 2, 14, 3, 11, 250000)),
        (" 2016-09-01 00:02:00 ", "%Y-%m-%d %H:%M:%S", datetime(2016, 9, 1, 0, 2)),
        ("02/09/2023 16:03 +0200", "%d/%m/%Y %H:%M %z", datetime(2023, 9, 2, 14, 3)),
        ("0001-01-01T00:00:00", "auto", datetime(1, 1, 1)),
    ],
)
def test_timestamps_become_naive_utc(text, fmt, expected):
    parsed = parse_timestamp(text, fmt)
    assert parsed == expected and parsed.tzinfo is None


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("", "auto"),
        ("yesterday", "auto"),
        ("2023-02-30", "auto"),
        ("10000-01-01", "auto"),
        ("0001-01-01T00:30:00+01:00", "auto"),  # before year 1 in UTC
        ("9999-12-31T23:30:00-01:00", "auto"),  # after year 9999 in UTC
        ("1e13", "auto"),
        ("-1e12", "posix"),
        ("1" * 400, "posix"),
        ("nan", "posix"),
        ("2023-09-02T14:03:11Z", "posix"),
        ("1693663391", "iso"),
        ("2023-09-02", "%d/%m/%Y"),
    ],
)
def test_bad_timestamps_raise_value_error(text, fmt):
    with pytest.raises(ValueError):
        parse_timestamp(text, fmt)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0.0", 0),
        ("3.000", 3),
        ("1e3", 1000),
        (5, 5),
        (2.0, 2),
        ("", None),
        (None, None),
    ],
)
def test_counts(value, expected):
    assert parse_count(value) == expected


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "nan", "inf", str(2**63), True, [], {"n": 1}, 1.5])
def test_bad_counts(value):
    with pytest.raises(ValueError):
        parse_count(value)


def test_booleans():
    assert [parse_bool(v) for v in ("True", "false", " 1", "0", "")] == [True, False, True, False, None]
    with pytest.raises(ValueError):
        parse_bool("maybe")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", []),
        ("[]", []),
        ("[tag1, tag2]", ["tag1", "tag2"]),
        ("['a', 'b']", ["a", "b"]),
        ('["a", "b"]', ["a", "b"]),
        ('[\'it\\\'s, fine\', "say \\"hi\\""]', ["it's, fine", 'say "hi"']),
        ("[123456, 789]", ["123456", "789"]),
        ("['加拿大', 'ça']", ["加拿大", "ça"]),
        ("[a, , b, ]", ["a", "b"]),
        ("single", ["single"]),
        ("['unclosed, b]", ["'unclosed", "b"]),
    ],
)
def test_list_cells(cell, expected):
    assert parse_list_cell(cell) == expected


def test_split_cell():
    assert split_cell(" https://a  https://b ", " ") == ["https://a", "https://b"]
    assert split_cell("", "|") == []


def test_printable_replaces_bad_bytes_nul_and_caps_length():
    assert printable("caf\udce9 \x00 \ud800\n") == "caf\ufffd \ufffd \ufffd"
    assert len(printable("x" * (parsing.RAW_LIMIT + 10))) == parsing.RAW_LIMIT + 1


# -- CSV rows --------------------------------------------------------------------------------------


def test_csv_rows_keep_their_starting_line_and_raw_text(write):
    path = write("a.csv", 'h1,h2\n\n1,"two\nlines"\r\n3,4')
    rows = list(iter_csv_rows(path))
    assert [(r.record_no, r.cells) for r in rows] == [
        (1, ["h1", "h2"]),
        (3, ["1", "two\nlines"]),
        (5, ["3", "4"]),
    ]
    assert rows[1].raw == '1,"two\nlines"\r\n'
    assert [r.at_eof for r in rows] == [False, False, True]


def test_a_csv_error_is_one_malformed_reject(write):
    previous = csv.field_size_limit(1000)  # a cell beyond the csv module's field limit is its error
    try:
        rows = list(iter_csv_rows(write("a.csv", f"a,b\n{'x' * 2000},1\nc,d\n")))
    finally:
        csv.field_size_limit(previous)
    assert isinstance(rows[1], Reject)
    assert (rows[1].record_no, rows[1].reason) == (2, RejectReason.MALFORMED)
    assert isinstance(rows[2], CsvRow) and rows[2].cells == ["c", "d"]


def test_an_overlong_line_is_rejected_and_skipped(write, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_RECORD_CHARS", 50)
    path = write("a.csv", "a,b\n" + "y" * 120 + ",1\nc,d\n")
    rows = list(iter_csv_rows(path))
    assert [type(r).__name__ for r in rows] == ["CsvRow", "Reject", "CsvRow"]
    assert rows[1].reason == RejectReason.MALFORMED and rows[2].cells == ["c", "d"]
    assert rows[2].record_no == 3
    lines = list(iter_json(write("a.jsonl", '{"a": 1}\n{"b": "' + "z" * 80 + '"}\n{"c": 3}\n')))
    assert [getattr(r, "value", None) for r in lines] == [{"a": 1}, None, {"c": 3}]


# -- JSON records ----------------------------------------------------------------------------------


def test_json_lines_skip_blanks_and_number_by_line(write):
    records = list(iter_json(write("a.jsonl", '{"a": 1}\n\n  \n[1, 2]\n"s"\n')))
    assert [(r.record_no, r.value) for r in records] == [(1, {"a": 1}), (4, [1, 2]), (5, "s")]


def test_json_documents_stream_elements_across_chunks(write, monkeypatch):
    monkeypatch.setattr(json_stream, "CHUNK", 16)  # force many refills inside values
    items = [{"id": i, "text": "é" * i} for i in range(20)] + [12345678901234567890]
    records = list(iter_json(write("a.json", json.dumps(items, indent=2))))
    assert [r.value for r in records] == items
    assert [r.record_no for r in records] == list(range(1, 22))


def test_concatenated_pretty_documents_number_by_starting_line(write):
    text = json.dumps({"a": 1}, indent=1) + "\n" + json.dumps({"b": 2}, indent=1) + "\n"
    records = list(iter_json(write("a.json", text)))
    assert [(r.record_no, r.value) for r in records] == [(1, {"a": 1}), (4, {"b": 2})]


@pytest.mark.parametrize(
    ("text", "reason", "record_no"),
    [
        ('[{"a": 1}] [', RejectReason.MALFORMED, 2),
        ('[{"a": 1} {"b": 2}]', RejectReason.MALFORMED, 2),
        ('[{"a": 1}, {"b": ', RejectReason.TRUNCATED, 2),
        ('[{"a": 1}, {"b": "unterminated', RejectReason.TRUNCATED, 2),
        ('[{"a": 1},', RejectReason.TRUNCATED, 2),
        ('[{"a": 1}, {"b": 2]', RejectReason.MALFORMED, 2),
    ],
)
def test_broken_documents_end_with_one_reject(write, text, reason, record_no):
    *records, last = iter_json(write("a.json", text))
    assert [r.value for r in records] == [{"a": 1}]
    assert (last.reason, last.record_no) == (reason, record_no)


def test_deep_nesting_is_malformed_not_a_crash(write):
    (reject,) = iter_json(write("a.jsonl", "[" * 100_000 + "\n"))
    assert reject.reason == RejectReason.MALFORMED


# -- files -----------------------------------------------------------------------------------------


def test_a_cut_gzip_stream_ends_with_a_truncated_reject(write):
    packed = gzip.compress(b"".join(b'{"n": %d}\n' % i for i in range(5000)))
    records = list(iter_json(write("a.jsonl.gz", packed[: len(packed) // 2])))
    assert all(not isinstance(r, Reject) for r in records[:-1])
    assert records[-1].reason == RejectReason.TRUNCATED
    assert records[-1].record_no == len(records)


def test_a_corrupt_gzip_file_is_an_input_error(write):
    with pytest.raises(parsing.InputError, match=r"a\.csv\.gz"):
        list(iter_csv_rows(write("a.csv.gz", b"\x1f\x8bnot really gzip")))


def test_logical_suffix(tmp_path):
    assert parsing.logical_suffix(tmp_path / "x.CSV.gz") == ".csv"
    assert parsing.logical_suffix(tmp_path / "x.jsonl.zst") == ".jsonl"
    assert parsing.logical_suffix(tmp_path / "x") == ""


# -- round trips -----------------------------------------------------------------------------------

instants = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@given(instants, offsets)
def test_iso_timestamps_with_offsets_round_trip(instant, offset):
    local = instant.replace(tzinfo=UTC).astimezone(offset)
    for text in (local.isoformat(), local.isoformat(sep=" "), instant.isoformat() + "Z"):
        assert parse_timestamp(text) == instant


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)))
def test_posix_seconds_round_trip(instant):
    delta = instant - datetime(1970, 1, 1)
    seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 1_000_000
    assert parse_timestamp(str(seconds)) == instant
    assert parse_timestamp(str(seconds * 1000), "posix_ms") == instant


@given(st.lists(st.text()))
def test_python_list_cells_round_trip(items):
    assert parse_list_cell(str(items)) == items


@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_characters=",[]'\"", blacklist_categories=["Z", "C"]), min_size=1
        )
    )
)
def test_bare_list_cells_round_trip(items):
    assert parse_list_cell("[" + ", ".join(items) + "]") == items


@given(st.lists(st.integers(min_value=0, max_value=2**63 - 1)))
def test_json_list_cells_round_trip(numbers):
    assert parse_list_cell(json.dumps([str(n) for n in numbers])) == [str(n) for n in numbers]
