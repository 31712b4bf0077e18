"""Walking one big JSON document a member at a time, for exports that are a single document (Telegram
Desktop's `result.json` holds every message of a chat in one array).

`iter_json` decodes each top-level value whole, so a document is limited to MAX_RECORD_CHARS and held
in memory at once. Here the caller enters objects and arrays itself (`members`, `elements`) and decodes
only their members (`value`, with the C decoder), so memory is bounded by the largest member, not the
file. A syntax error raises JsonSyntaxError: no later boundary can be trusted, so reading stops there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Protocol

from unmask.ingest.parsing import MAX_RECORD_CHARS, RAW_LIMIT, make_reject
from unmask.ingest.records import Reject, RejectReason

CHUNK = 1024 * 1024
_BLANK = re.compile(r"[ \t\n\r]*")
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
    or one member when a member is longer)."""

    def __init__(self, source: Readable) -> None:
        self._source = source
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._decoder = json.JSONDecoder()

    def _more(self) -> bool:
        """Append text (at least as much as is pending, so re-decoding a long member stays linear)."""
        if self._eof:
            return False
        if self._pos > CHUNK:
            self._buf, self._pos = self._buf[self._pos :], 0
        chunk = self._source.read(max(CHUNK, len(self._buf) - self._pos))
        self._eof = not chunk
        self._buf += chunk
        return bool(chunk)

    def peek(self) -> str:
        """The next character that is not JSON whitespace ('' at the end of the text)."""
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
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except (ValueError, RecursionError) as exc:
                detail = getattr(exc, "msg", str(exc))  # without the position, which is the buffer's
                at = getattr(exc, "pos", None)
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
        return JsonSyntaxError(reason, detail, self._buf[self._pos : self._pos + RAW_LIMIT])
