"""What `iter_json` gives for files that are one JSON document (a top-level array, or pretty-printed
documents one after another): record numbers, values and rejects, for good and hostile documents.

Written before the document reader was rebuilt on `JsonStream`, from what the reader gave then; the
cases whose outcome the rebuild changed say so (`was: ...`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from unmask.ingest import json_stream
from unmask.ingest.parsing import iter_json
from unmask.ingest.records import Reject, RejectReason

T, M = RejectReason.TRUNCATED, RejectReason.MALFORMED
HUGE = "x" * 3_000_000  # three times the reader's chunk


def outcome(path: Path) -> list[tuple]:
    """(record_no, value) per record, (record_no, reason, detail, raw) per reject; each record's raw
    must decode to its value."""
    out: list[tuple] = []
    for item in iter_json(path):
        if isinstance(item, Reject):
            out.append((item.record_no, item.reason, item.detail, item.raw))
        else:
            assert json.loads(item.raw) == item.value
            out.append((item.record_no, item.value))
    return out


def small_chunks(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(json_stream, "CHUNK", chunk)


def write(tmp_path: Path, data: str | bytes) -> Path:
    path = tmp_path / "a.json"
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    return path


PRETTY = [{"id": i, "t": "é" * i, "n": [i, {"k": None}]} for i in range(3)]

GOOD = {
    "pretty objects": (json.dumps(PRETTY, indent=2), [(i + 1, v) for i, v in enumerate(PRETTY)]),
    "nested arrays": ("[[1, [2, 3]], [], [[[]]], {}]", [(1, [1, [2, 3]]), (2, []), (3, [[[]]]), (4, {})]),
    "scalars": (
        '[1, -2.5e3, "s", null, true, false, 12345678901234567890]',
        [(1, 1), (2, -2500.0), (3, "s"), (4, None), (5, True), (6, False), (7, 12345678901234567890)],
    ),
    "empty": ("[]", []),
    "empty, blank lines": ("\n\n  [ \r\n ]  \n", []),
    "CRLF and tabs": ('[\r\n\t{"a": 1},\r\n\t{"b": 2}\r\n]\r\n', [(1, {"a": 1}), (2, {"b": 2})]),
    "unicode blanks between elements": ("[1,\x0c2\xa0,\u20283]\u3000", [(1, 1), (2, 2), (3, 3)]),
    "escapes": (
        r'["\u00e9\ud83d\ude00", "a\"b\\c\n\t", "\u0000", "\ud800"]',
        [(1, "é😀"), (2, 'a"b\\c\n\t'), (3, "\x00"), (4, "\ud800")],
    ),
    "a string longer than a chunk": ('[{"s": "' + HUGE + '"}, 2]', [(1, {"s": HUGE}), (2, 2)]),
    "BOM": ("\ufeff[1, 2]", [(1, 1), (2, 2)]),
    "BOM bytes": (b'\xef\xbb\xbf[\n{"a": 1}\n]', [(1, {"a": 1})]),
    "bad bytes in a string": (b'[{"a": "\xff\xfe"}, 2]', [(1, {"a": "\udcff\udcfe"}), (2, 2)]),
    "documents by starting line": (
        json.dumps({"a": 1}, indent=1) + "\n\n" + json.dumps({"b": [1, 2]}, indent=1) + "\n",
        [(1, {"a": 1}), (5, {"b": [1, 2]})],
    ),
    "documents, then scalars": ('{\n"a": 1\n}\n42\n"s"\n', [(1, {"a": 1}), (4, 42), (5, "s")]),
}


@pytest.mark.parametrize("name", GOOD)
def test_good_documents(tmp_path, name):
    text, expected = GOOD[name]
    assert outcome(write(tmp_path, text)) == expected


@pytest.mark.parametrize("name", ["pretty objects", "escapes", "documents by starting line", "scalars"])
@pytest.mark.parametrize("chunk", [1, 2, 7])
def test_good_documents_at_any_chunk_size(tmp_path, monkeypatch, name, chunk):
    small_chunks(monkeypatch, chunk)
    text, expected = GOOD[name]
    assert outcome(write(tmp_path, text)) == expected


A1 = [(1, {"a": 1})]
ONE = [(1, 1)]

BROKEN = {
    # cut files
    "cut in a string": (
        '[{"a": 1}, {"b": "x',
        [*A1, (2, T, "not JSON: Unterminated string starting at: line 1 column 18 (char 17)", '{"b": "x')],
    ),
    # was: "the top-level array is not closed"
    "cut after a number": ("[1, 2", [*ONE, (2, 2), (3, T, "expected ',' or ']'", "")]),
    # was: MALFORMED, here and in every cut inside a literal or a number
    "cut in true": ("[1, tru", [*ONE, (2, T, "not JSON: Expecting value: line 1 column 5 (char 4)", "tru")]),
    "cut in a nested literal": (
        '[{"a": 1}, {"b": fals',
        [*A1, (2, T, "not JSON: Expecting value: line 1 column 18 (char 17)", '{"b": fals')],
    ),
    "cut in a fraction": (
        '[{"a": 1.',
        [(1, T, "not JSON: Expecting ',' delimiter: line 1 column 9 (char 8)", '{"a": 1.')],
    ),
    "cut in an exponent": (
        '[1, {"a": 1e',
        [*ONE, (2, T, "not JSON: Expecting ',' delimiter: line 1 column 12 (char 11)", '{"a": 1e')],
    ),
    "cut at a minus": ("[1, -", [*ONE, (2, T, "not JSON: Expecting value: line 1 column 5 (char 4)", "-")]),
    # was: "the top-level array is not closed"
    "cut after the bracket": ("[", [(1, T, "not JSON: Expecting value: line 1 column 2 (char 1)", "")]),
    "cut after a comma": (
        '[{"a": 1},\n',
        [*A1, (2, T, "not JSON: Expecting value: line 2 column 1 (char 11)", "")],
    ),
    "cut after a colon": (
        '[{"a": 1}, {"b": ',
        [*A1, (2, T, "not JSON: Expecting value: line 1 column 18 (char 17)", '{"b": ')],
    ),
    "documents, cut in a string": (
        '{\n"a": 1\n}\n{\n"b": "cut',
        [*A1, (4, T, "not JSON: Unterminated string starting at: line 5 column 6 (char 18)", '{\n"b": "cut')],
    ),
    "documents, cut in a literal": (
        '{\n"a": 1\n}\n{\n"b": nu',
        [*A1, (4, T, "not JSON: Expecting value: line 5 column 6 (char 18)", '{\n"b": nu')],
    ),
    # junk
    "junk after the array": ("[1] x", [*ONE, (2, M, "data after the top-level array", "x")]),
    "a bracket after the array": ("[1]\n]\n", [*ONE, (2, M, "data after the top-level array", "]")]),
    "a second array": ("[1] [2]", [*ONE, (2, M, "data after the top-level array", "[2]")]),
    "a missing comma": (
        '[{"a": 1} {"b": 2}]',
        [*A1, (2, M, "expected ',' or ']'", '{"b": 2}]')],  # was: "expected ',' between elements"
    ),
    "a junk element": (
        "[1, x, 3]",
        [*ONE, (2, M, "not JSON: Expecting value: line 1 column 5 (char 4)", "x, 3]")],
    ),
    # was: MALFORMED, "expected ',' between elements": a token the file ends in is taken to be cut
    "junk at the end": ("[1 x", [*ONE, (2, T, "expected ',' or ']'", "x")]),
    "a trailing comma": ("[1,]", [*ONE, (2, M, "not JSON: Expecting value: line 1 column 4 (char 3)", "]")]),
    "a leading comma": ("[,1]", [(1, M, "not JSON: Expecting value: line 1 column 2 (char 1)", ",1]")]),
    "the wrong bracket": (
        '[{"a": 1}, {"b": 2]',
        [*A1, (2, M, "not JSON: Expecting ',' delimiter: line 1 column 19 (char 18)", '{"b": 2]')],
    ),
    "a control character": (
        '[{"a": "b\x01c"}, 2]',
        [(1, M, "not JSON: Invalid control character at: line 1 column 10 (char 9)", '{"a": "b\x01c"}, 2]')],
    ),
    "bad bytes between elements": (
        b"[1, \xff 2]",
        [*ONE, (2, M, "not JSON: Expecting value: line 1 column 5 (char 4)", "\ufffd 2]")],
    ),
    "documents, junk between": (
        '{\n"a": 1\n}\nx y\n',
        [*A1, (4, M, "not JSON: Expecting value: line 4 column 1 (char 11)", "x y")],
    ),
    # hostile values
    "nesting deeper than the decoder goes": (
        "[" + "[" * 100_000 + "]" * 100_000 + "]",
        [
            (
                1,
                M,
                "not JSON: maximum recursion depth exceeded while decoding a JSON array from a unicode "
                "string",
                "[" * 64 * 1024,
            )
        ],
    ),
    "an integer too long to convert": (
        "[1, " + "9" * 5000 + "]",
        [
            *ONE,
            (
                2,
                M,
                "not JSON: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 "
                "digits; use sys.set_int_max_str_digits() to increase the limit",
                "9" * 5000 + "]",
            ),
        ],
    ),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_documents(tmp_path, name):
    text, expected = BROKEN[name]
    assert outcome(write(tmp_path, text)) == expected


def test_an_element_longer_than_the_record_limit_ends_the_read(tmp_path, monkeypatch):
    monkeypatch.setattr(json_stream, "MAX_RECORD_CHARS", 1000)
    small_chunks(monkeypatch, 100)
    fits = "y" * 900
    text = json.dumps([{"a": 1}, fits, "z" * 2000, 3])
    (first, second, (record_no, reason, detail, raw)) = outcome(write(tmp_path, text))
    assert (first, second) == ((1, {"a": 1}), (2, fits))
    assert (record_no, reason) == (3, M)
    assert detail == "not JSON: a value longer than the record limit (1,000 characters)"  # was: a position
    # in the buffer, not the file ("line 1 column 1 (char 0)")
    assert raw.startswith('"zzz') and len(raw) >= 1000


# -- properties ------------------------------------------------------------------------------------

_LEAF = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6)
JSON = st.recursive(
    _LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=12,
)
# a top-level element that does not end in a bare number or literal, so a cut or a bad character inside
# it cannot leave a shorter element that still decodes
ELEMENT = (
    st.lists(JSON, max_size=3) | st.dictionaries(st.text(max_size=4), JSON, max_size=3) | st.text(max_size=6)
)
SEPARATORS = st.sampled_from([",", ", ", ",\n", ",\r\n  ", " ,\t"])
PROPERTY = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def array_text(elements: list, separator: str, ascii_only: bool) -> tuple[str, list[int]]:
    """The document, and where each element's text ends in it."""
    text, ends = "[\n", []
    for i, element in enumerate(elements):
        text += (separator if i else "") + json.dumps(element, ensure_ascii=ascii_only)
        ends.append(len(text))
    return text + "\n]\n", ends


@PROPERTY
@given(
    elements=st.lists(JSON, max_size=8),
    separator=SEPARATORS,
    ascii_only=st.booleans(),
    chunk=st.sampled_from([1, 3, 64, 1 << 20]),
)
def test_an_array_gives_its_elements_numbered_from_one(
    tmp_path, monkeypatch, elements, separator, ascii_only, chunk
):
    small_chunks(monkeypatch, chunk)
    text, _ = array_text(elements, separator, ascii_only)
    assert outcome(write(tmp_path, text)) == [(i + 1, v) for i, v in enumerate(elements)]


@PROPERTY
@given(elements=st.lists(ELEMENT, min_size=1, max_size=6), separator=SEPARATORS, data=st.data())
def test_a_cut_array_keeps_the_whole_elements_then_is_truncated(tmp_path, elements, separator, data):
    text, ends = array_text(elements, separator, ascii_only=False)
    cut = data.draw(st.integers(1, len(text) - 3))  # before the closing bracket
    kept = [(i + 1, v) for i, (v, end) in enumerate(zip(elements, ends, strict=True)) if end <= cut]
    *records, (record_no, reason, _, _) = outcome(write(tmp_path, text[:cut]))
    assert records == kept and record_no == len(kept) + 1
    assert reason == T  # was: MALFORMED when the cut fell inside a literal or a number


@PROPERTY
@given(
    elements=st.lists(ELEMENT, min_size=1, max_size=6),
    separator=SEPARATORS,
    chunk=st.sampled_from([1, 4, 33]),
    data=st.data(),
)
def test_a_bad_character_stops_the_read_at_its_element(
    tmp_path, monkeypatch, elements, separator, chunk, data
):
    text, ends = array_text(elements, separator, ascii_only=False)
    at = data.draw(st.integers(1, len(text)))
    kept = [(i + 1, v) for i, (v, end) in enumerate(zip(elements, ends, strict=True)) if end <= at]
    path = write(tmp_path, text[:at] + "\x01" + text[at:])
    whole = outcome(path)
    *records, (record_no, reason, _, _) = whole
    assert records == kept and (record_no, reason) == (len(kept) + 1, M)
    small_chunks(monkeypatch, chunk)  # the reject, its detail's position too, whatever the buffer held
    assert outcome(path) == whole


@PROPERTY
@given(
    documents=st.lists(
        st.dictionaries(st.text(max_size=4), JSON, min_size=1, max_size=3), min_size=1, max_size=5
    ),
    blanks=st.lists(st.sampled_from(["\n", "\n\n", "\r\n", "\n \n\t"]), min_size=5, max_size=5),
    chunk=st.sampled_from([1, 5, 1 << 20]),
)
def test_documents_are_numbered_by_their_first_line(tmp_path, monkeypatch, documents, blanks, chunk):
    small_chunks(monkeypatch, chunk)
    text, expected = "", []
    for document, blank in zip(documents, blanks, strict=False):
        expected.append((text.count("\n") + 1, document))
        text += json.dumps(document, indent=1) + blank
    assume(text.startswith("{\n"))
    assert outcome(write(tmp_path, text)) == expected
