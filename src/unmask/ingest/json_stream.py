"""Walking one JSON document a member at a time: the one reader of multi-line JSON in ingest.

Telegram Desktop's `result.json` holds every message of a chat in one array: its reader enters objects
and arrays itself (`members`, `elements`) and decodes only their members (`value`, with the C decoder),
so memory is bounded by the largest member, not the file. `iter_document` reads the files `iter_json`
takes for one document (a top-level array, or pretty-printed documents one after another) the same way,
a top-level value at a time. A syntax error raises JsonSyntaxError: no later boundary can be trusted, so
reading stops there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Protocol

from unmask.ingest.parsing import MAX_RECORD_CHARS, RAW_LIMIT, JsonRecord, TextSource, make_reject
from unmask.ingest.records import Reject, RejectReason

CHUNK = 1024 * 1024
_BLANK = re.compile(r"\s*")  # JSON's blanks and, leniently, Unicode ones (iter_json always took them)
_DELIMITERS = re.compile(r'[ \t\n\r,:\[\]{}"]')  # a cut value has none after its start


class Readable(Protocol):
    """Decoded text to read from: a TextSource, or any text file object."""

    def read(self, size: int) -> str: ...


class JsonSyntaxError(Exception):
    """The document stops being JSON here (TRUNCATED when the text ran out, else MALFORMED)."""

    def __init__(self, reason: RejectReason, detail: str, raw: str) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.raw = reason, detail, raw

    def reject(self, record_no: int | None) -> Reject:
        return make_reject(record_no, None, self.reason, self.raw, self.detail)


class JsonStream:
    """A cursor over the decoded text of a file, holding only the text not yet consumed (about a chunk,
    or one member when a member is longer), and counting the lines of what it let go of."""

    def __init__(self, source: Readable) -> None:
        self._source = source
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._decoder = json.JSONDecoder()
        self._dropped = 0  # characters let go of before the buffer
        self._dropped_lines = 0  # and the newlines among them
        self._first_column = 1  # the column of the buffer's first character
        self._counted = self._counted_lines = 0  # newlines in the buffer before `_counted`

    def _more(self) -> bool:
        """Append text (at least as much as is pending, so re-decoding a long member stays linear). The
        buffer moves only when text came: an index into it stays good when this returns False."""
        if self._eof:
            return False
        chunk = self._source.read(max(CHUNK, len(self._buf) - self._pos))
        self._eof = not chunk
        if self._pos > CHUNK and chunk:
            self._first_column = self._column(self._pos)
            self._dropped_lines = self.line() - 1
            self._dropped += self._pos
            self._buf, self._pos, self._counted, self._counted_lines = self._buf[self._pos :], 0, 0, 0
        self._buf += chunk
        return bool(chunk)

    def line(self) -> int:
        """The line (from 1) of the cursor: counted on from the last call, as the cursor only moves on."""
        self._counted_lines += self._buf.count("\n", self._counted, self._pos)
        self._counted = self._pos
        return self._dropped_lines + self._counted_lines + 1

    def _column(self, at: int) -> int:
        newline = self._buf.rfind("\n", 0, at)
        return at - newline if newline >= 0 else self._first_column + at

    def _where(self, at: int) -> str:
        """Where buffer index `at` is in the file, as the JSON decoder words it."""
        line = self._dropped_lines + self._buf.count("\n", 0, at) + 1
        return f"line {line} column {self._column(at)} (char {self._dropped + at})"

    def rest(self) -> str:
        """The text from the cursor on, as much as a reject keeps (read on for it, wherever the buffer
        happened to end)."""
        while len(self._buf) - self._pos < RAW_LIMIT and self._more():
            pass
        return self._buf[self._pos : self._pos + RAW_LIMIT]

    def peek(self) -> str:
        """The next character that is not blank ('' at the end of the text)."""
        while True:
            self._pos = _BLANK.match(self._buf, self._pos).end()
            if self._pos < len(self._buf) or not self._more():
                return self._buf[self._pos : self._pos + 1]

    def _expect(self, char: str) -> None:
        if self.peek() != char:
            raise self._error(f"expected {char!r}")
        self._pos += 1

    def value(self) -> tuple[object, str]:
        """The next whole value, decoded, and its text."""
        while True:
            self._pos = _BLANK.match(self._buf, self._pos).end()  # at the end, the decoder says so
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except (ValueError, RecursionError) as exc:
                at = getattr(exc, "pos", None)
                detail = str(exc) if at is None else f"{exc.msg}: {self._where(at)}"  # in the file
                unterminated = detail.startswith("Unterminated")
                cut_here = at is not None and (unterminated or not _DELIMITERS.search(self._buf, at))
                if cut_here and len(self._buf) - self._pos < MAX_RECORD_CHARS and self._more():
                    continue  # the buffer ends inside the value: read on
                if cut_here and not self._eof:
                    detail = f"a value longer than the record limit ({MAX_RECORD_CHARS:,} characters)"
                raise self._error(f"not JSON: {detail}", at, unterminated) from None
            if not _DELIMITERS.match(self._buf, end) and self._more():
                continue  # a number or literal cut by the buffer's end may go on in the next chunk
            raw = self._buf[self._pos : end]
            self._pos = end
            return value, raw

    def members(self) -> Iterator[str]:
        """Enter an object: yields each member's name, after which the caller consumes its value."""
        self._expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self._error("expected a member name")
            name, _ = self.value()
            self._expect(":")
            yield str(name)
            if self._step("}"):
                return

    def elements(self) -> Iterator[int]:
        """Enter an array: yields each element's index, after which the caller consumes the element."""
        self._expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if self._step("]"):
                return

    def _step(self, end: str) -> bool:
        """Step over the ',' before the next member or element, or over the closing bracket (True)."""
        char = self.peek()
        if char not in (",", end):
            raise self._error(f"expected ',' or {end!r}")
        self._pos += 1
        return char == end

    def _error(self, detail: str, at: int | None = None, unterminated: bool = False) -> JsonSyntaxError:
        """TRUNCATED when the text ends inside the token that failed at `at` (an unterminated string, or
        no delimiter after it), else MALFORMED."""
        offset = 0 if at is None else at - self._pos  # reading on may move the buffer
        while not _DELIMITERS.search(self._buf, self._pos + offset) and self._more():
            pass  # is there more after the failed token, or does the text end in it?
        cut = self._eof and (unterminated or not _DELIMITERS.search(self._buf, self._pos + offset))
        reason = RejectReason.TRUNCATED if cut else RejectReason.MALFORMED
        return JsonSyntaxError(reason, detail, self.rest())


def iter_document(source: TextSource, *, array: bool) -> Iterator[JsonRecord | Reject]:
    """The values of a file that is one JSON document: the elements of its top-level array, numbered from
    1, or documents one after another, numbered by their first line. A syntax error ends the read with a
    reject under the number of the record it broke."""
    stream = JsonStream(source)
    record_no = 1
    try:
        if array:
            for index in stream.elements():
                yield JsonRecord(index + 1, *stream.value())
                record_no = index + 2
            if stream.peek():
                detail = "data after the top-level array"
                yield make_reject(record_no, None, RejectReason.MALFORMED, stream.rest(), detail)
            return
        while stream.peek():
            record_no = stream.line()
            yield JsonRecord(record_no, *stream.value())
        if cut := source.truncation(stream.line()):
            yield cut
    except JsonSyntaxError as exc:
        yield exc.reject(record_no)
