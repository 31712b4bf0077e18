"""Low-level reading shared by every layout: opening, decoding, line/row/JSON iteration, value parsing.

Exports are hostile input: files are cut short, re-saved by spreadsheets, mis-encoded. Everything here
streams (memory is bounded by the largest single record, never by the file) and turns a bad record into
a `Reject` or a `FieldError` that the layout turns into one; only I/O failures on the file itself raise,
as `InputError` naming the path.
"""

from __future__ import annotations

import ast
import csv
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO, TypeVar

import zstandard

from unmask.errors import InputError
from unmask.ingest.records import Account, Reject, RejectReason

HEAD_BYTES = 64 * 1024  # what `sniff` sees of a file
MAX_RECORD_CHARS = 32 * 1024 * 1024  # a longer line/JSON value is rejected, not held in memory
RAW_LIMIT = 64 * 1024  # characters of a rejected record kept in `Reject.raw`
_CHUNK = 1024 * 1024
_MAX_COUNT = 2**63 - 1  # counts land in BIGINT columns
COMPRESSED = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd", ".zstd": "zstd"}
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")  # NUL, or bytes that were not UTF-8 (surrogateescape)
_LONE_SURROGATES = re.compile("[\ud800-\udc7f\udd00-\udfff]")
_NEWLINES = ("\n", "\r")
# Timestamps stored: a platform export holds nothing earlier or later. Year 1 or 9999, which parse, are
# corrupt or hostile, and a span reaching them would blow up every per-day and per-week view downstream.
EARLIEST = datetime(1970, 1, 1)
LATEST = datetime(2100, 1, 1)
_T = TypeVar("_T")
csv.field_size_limit(MAX_RECORD_CHARS)  # the csv module's own limit (128 KiB) would reject long posts


class FieldError(Exception):
    """One field of one record is unusable; the layout turns it into a `Reject` for the whole record."""

    def __init__(self, field: str | None, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.field = field
        self.reason = reason
        self.detail = detail

    def reject(self, record_no: int | None, raw: str, prefix: str = "") -> Reject:
        field = f"{prefix}{self.field}" if self.field else (prefix.rstrip(".") or None)
        return make_reject(record_no, field, self.reason, raw, self.detail)


def make_reject(
    record_no: int | None, field: str | None, reason: RejectReason, raw: str, detail: str
) -> Reject:
    """A Reject whose texts are storable: field names and details come from hostile headers and keys."""
    return Reject(
        record_no,
        None if field is None else printable(field, 200),
        reason,
        printable(raw),
        printable(detail, 1000),
    )


# -- opening files --------------------------------------------------------------------------------


def logical_suffix(path: Path) -> str:
    """The suffix that names the content: `.csv` for both `x.csv` and `x.csv.gz`."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def open_binary(path: Path) -> BinaryIO:
    """Open a file for reading, decompressing `.gz` and `.zst` transparently."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    kind = COMPRESSED.get(path.suffix.lower())
    if kind == "gzip":
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    if kind == "zstd":
        # real dumps (Pushshift, Arctic Shift) use --long=31 windows
        decompressor = zstandard.ZstdDecompressor(max_window_size=2**31)
        return decompressor.stream_reader(handle, closefd=True)  # type: ignore[return-value]
    return handle


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first `size` bytes of the (decompressed) content; less when a compressed stream is cut."""
    head = b""
    with open_binary(path) as handle:
        while len(head) < size:
            try:
                block = _guarded(path, handle.read, size - len(head))
            except EOFError:
                break
            if not block:
                break
            head += block
    return head


def _guarded(path: Path, call: Callable[[int], _T], size: int) -> _T:
    """Run one read; turn failures of the file itself into `InputError`."""
    try:
        return call(size)
    except (OSError, zlib.error, zstandard.ZstdError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc


class TextSource:
    """Decoded text of a file (UTF-8, BOM dropped, bad bytes kept as surrogates, newlines untouched).

    `cut_short` becomes True when a compressed stream ends before its end marker; `last_overlong`
    says the line just returned by `readline` was longer than `MAX_RECORD_CHARS` and was cut.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cut_short = False
        self.last_overlong = False
        self._text = io.TextIOWrapper(
            open_binary(path), encoding="utf-8-sig", errors="surrogateescape", newline=""
        )

    def __enter__(self) -> TextSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self._text.close()

    def _read(self, call: Callable[[int], str], size: int) -> str:
        if self.cut_short:
            return ""
        try:
            return _guarded(self.path, call, size)
        except EOFError:
            self.cut_short = True
            return ""

    def read(self, size: int) -> str:
        return self._read(self._text.read, size)

    def readline(self) -> str:
        line = self._read(self._text.readline, MAX_RECORD_CHARS)
        self.last_overlong = len(line) >= MAX_RECORD_CHARS and not line.endswith(_NEWLINES)
        if self.last_overlong:
            while (rest := self._read(self._text.readline, _CHUNK)) and not rest.endswith(_NEWLINES):
                pass
        return line

    def truncation(self, record_no: int) -> Reject | None:
        """The reject to emit at the end when the compressed stream was cut."""
        if not self.cut_short:
            return None
        return make_reject(record_no, None, RejectReason.TRUNCATED, "", "compressed stream ends early")


def decoded_head(head: bytes) -> str:
    """Sniffing view of a head: text with the BOM dropped and bad bytes replaced."""
    return head.decode("utf-8", errors="replace").removeprefix("\ufeff")


def printable(raw: str, limit: int = RAW_LIMIT) -> str:
    """Text as storable: bad bytes and NUL become U+FFFD, line ends trimmed, capped at `limit`."""
    text = _LONE_SURROGATES.sub("\ufffd", raw)  # from JSON escapes, not from undecodable bytes
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "\ufffd")
    text = text.rstrip("\r\n")
    return text if len(text) <= limit else text[:limit] + "…"


def bad_chars(text: str) -> str | None:
    """Why `text` cannot be stored (NUL or non-UTF-8 bytes), or None."""
    found = _BAD_CHARS.search(text)
    if not found:
        return None
    return "NUL byte" if found.group() == "\x00" else "bytes that are not UTF-8"


# -- CSV -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class CsvRow:
    record_no: int  # physical line where the row starts, 1-based
    cells: list[str]
    raw: str
    at_eof: bool  # the input ended inside this row (no newline after it)


def iter_csv_rows(path: Path, delimiter: str = ",") -> Iterator[CsvRow | Reject]:
    """Every non-blank CSV row with its starting line and raw text; unparsable rows as rejects."""
    with TextSource(path) as source:
        consumed: list[str] = []
        state = {"eof": False, "overlong": False}

        def feed() -> Iterator[str]:
            while line := source.readline():
                state["overlong"] |= source.last_overlong
                consumed.append(line)
                yield line
            state["eof"] = True

        reader = csv.reader(feed(), delimiter=delimiter)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
                error = "line longer than the record limit" if state["overlong"] else None
            except StopIteration:
                break
            except csv.Error as exc:
                cells, error = [], str(exc)
            raw = "".join(consumed)
            consumed.clear()
            state["overlong"] = False
            if error:
                yield make_reject(start, None, RejectReason.MALFORMED, raw, error)
            elif cells:
                yield CsvRow(start, cells, raw, at_eof=state["eof"] or not raw.endswith(_NEWLINES))
        if cut := source.truncation(reader.line_num + 1):
            yield cut


def iter_csv_table(
    path: Path, *, delimiter: str = ",", fixed_columns: Sequence[str] | None = None
) -> Iterator[tuple[CsvRow, dict[str, str]] | Reject]:
    """CSV rows as {column: cell}, checked for field count and encoding.

    The first row is the header. With `fixed_columns`, a first row that does not spell those names is
    data instead, read under `fixed_columns` (for headerless exports).
    """
    columns: list[str] | None = None
    for item in iter_csv_rows(path, delimiter):
        if isinstance(item, Reject):
            yield item
            continue
        if columns is None:
            names = [c.strip() for c in item.cells]
            if fixed_columns is None or [n.lower() for n in names] == list(fixed_columns):
                columns = names
                continue
            columns = list(fixed_columns)
        yield _checked_row(item, columns)


def _checked_row(row: CsvRow, columns: list[str]) -> tuple[CsvRow, dict[str, str]] | Reject:
    unclosed_quote = row.at_eof and row.raw.count('"') % 2 == 1
    if len(row.cells) != len(columns) or unclosed_quote:
        reason = RejectReason.TRUNCATED if row.at_eof else RejectReason.WRONG_FIELD_COUNT
        detail = f"{len(row.cells)} fields where the header has {len(columns)}"
        return make_reject(row.record_no, None, reason, row.raw, detail)
    if _BAD_CHARS.search(row.raw):  # one scan of the row; then find the cell to name
        for name, cell in zip(columns, row.cells, strict=True):
            if problem := bad_chars(cell):
                return make_reject(row.record_no, name, RejectReason.BAD_ENCODING, row.raw, problem)
    return row, dict(zip(columns, row.cells, strict=True))


def csv_header(head: bytes, delimiter: str = ",") -> list[str]:
    """The first row of a file head (blank-stripped cells), for sniffing; [] when unreadable."""
    lines = decoded_head(head).splitlines(keepends=True)
    try:
        return [c.strip() for c in next(csv.reader(lines, delimiter=delimiter), [])]
    except csv.Error:
        return []


# -- JSON ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class JsonRecord:
    record_no: int  # starting line (JSON lines, concatenated documents) or 1-based index (top-level array)
    value: object
    raw: str


def iter_json(path: Path) -> Iterator[JsonRecord | Reject]:
    """JSON values of a file: one per line (JSONL), or the elements of a top-level array, or a sequence
    of (pretty-printed) documents. Bad lines become rejects; in a multi-line document, reading stops at
    the first syntax error because no later record boundary can be trusted."""
    text = decoded_head(read_head(path)).lstrip()
    first_line = text.splitlines()[0].strip() if text else ""
    with TextSource(path) as source:
        if text.startswith("[") or first_line == "{":
            from unmask.ingest.json_stream import iter_document  # here: json_stream imports this module

            yield from iter_document(source, array=text.startswith("["))
        else:
            yield from _iter_json_lines(source)


def _iter_json_lines(source: TextSource) -> Iterator[JsonRecord | Reject]:
    line_no = 0
    while line := source.readline():
        line_no += 1
        body = line.strip()
        if not body:
            continue
        if source.last_overlong:
            yield make_reject(line_no, None, RejectReason.MALFORMED, line, "line too long")
            continue
        try:
            yield JsonRecord(line_no, json.loads(body), body)
        except (ValueError, RecursionError) as exc:
            if bad_chars(body):
                reason = RejectReason.BAD_ENCODING
            elif not line.endswith(_NEWLINES):
                reason = RejectReason.TRUNCATED
            else:
                reason = RejectReason.MALFORMED
            yield make_reject(line_no, None, reason, body, f"not JSON: {exc}")
    if cut := source.truncation(line_no + 1):
        yield cut


_BAD_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def raw_json_is_clean(raw: str) -> bool:
    """True when no string decoded from this JSON text can hold NUL or non-UTF-8 bytes.

    Checking the raw record once (no bad characters, no \\u0000 or surrogate escapes) lets readers
    skip walking every string of every object, the costliest step of a JSON ingest.
    """
    return _BAD_CHARS.search(raw) is None and _BAD_ESCAPE.search(raw) is None


def find_bad_string(value: object, path: str = "") -> tuple[str, str] | None:
    """(path, problem) of the first string in a JSON value that holds NUL or non-UTF-8 bytes.

    Walked with a stack of iterators, not by recursion: a value nested as deep as the JSON decoder
    allows would otherwise overflow Python's stack here (the decoder and this walk share one limit).
    """
    stack: list[Iterator[tuple[object, str]]] = [iter([(value, path)])]
    while stack:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            continue
        item, where = step
        if isinstance(item, str):
            if problem := bad_chars(item):
                return where or "(value)", problem
        elif isinstance(item, dict):
            stack.append(_members(item, where))
        elif isinstance(item, list):
            stack.append((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def _members(value: dict, path: str) -> Iterator[tuple[object, str]]:
    """A JSON object's keys and values, each with its path, in document order."""
    for key, item in value.items():
        sub = f"{path}.{key}" if path else str(key)
        yield str(key), sub
        yield item, sub


def json_text(value: object) -> str:
    """A JSON value as text (a reject's raw). Members nested too deep to write again (the decoder read
    them deeper in the stack than this) are replaced by a note, so the raw still names the record."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:
        if isinstance(value, dict):
            members = (f"{json_text(str(key))}: {_shallow_json(item)}" for key, item in value.items())
            return "{" + ", ".join(members) + "}"
        return json_text(_TOO_DEEP)


_TOO_DEEP = "(nested too deeply to show)"


def _shallow_json(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:
        return json.dumps(_TOO_DEEP)


# -- values ----------------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_EPOCH = datetime(1970, 1, 1)
_TWITTER_V1 = "%a %b %d %H:%M:%S %z %Y"  # "Wed Oct 10 20:19:24 +0000 2018"
TIMESTAMP_FORMATS = ("auto", "iso", "posix", "posix_ms")


def parse_timestamp(text: str, fmt: str = "auto") -> datetime:
    """A naive UTC datetime from text; raises ValueError.

    `fmt` is "auto" (POSIX seconds when numeric, else ISO 8601 or the Twitter v1 form), "iso",
    "posix", "posix_ms", or a `strptime` pattern. Offsets are applied; naive values are taken as UTC.
    """
    s = text.strip()
    if not s:
        raise ValueError("empty timestamp")
    try:
        if fmt in ("posix", "posix_ms") or (fmt == "auto" and _NUMBER.fullmatch(s)):
            return _from_posix(s, 1000 if fmt == "posix_ms" else 1)
        if fmt in ("auto", "iso"):
            try:
                parsed = datetime.fromisoformat(s)
            except ValueError:
                if fmt == "iso":
                    raise
                parsed = datetime.strptime(s, _TWITTER_V1)
        else:
            parsed = datetime.strptime(s, fmt)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
    except OverflowError as exc:
        raise ValueError("out of range") from exc


def _from_posix(s: str, divisor: int) -> datetime:
    try:
        seconds = Decimal(s) / divisor
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not seconds.is_finite() or seconds.adjusted() > 12:
        raise ValueError("out of range")
    micros = int((seconds * 1_000_000).to_integral_value(ROUND_HALF_EVEN))
    return _EPOCH + timedelta(microseconds=micros)


def parse_count(value: object) -> int | None:
    """A non-negative count from a cell or JSON value ("12", 12, "12.0"); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a count")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float | str):
        try:
            exact = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError("not a number") from exc
        if not exact.is_finite() or exact != exact.to_integral_value() or exact.adjusted() > 19:
            raise ValueError("not a whole number")
        number = int(exact)
    else:
        raise ValueError(f"a {type(value).__name__} is not a count")
    if not 0 <= number <= _MAX_COUNT:
        raise ValueError("out of range")
    return number


def parse_bool(text: str) -> bool | None:
    """True/False as the IO archive writes it (also 1/0, yes/no); None when empty."""
    lowered = text.strip().lower()
    if not lowered:
        return None
    if lowered in ("true", "1", "yes", "t"):
        return True
    if lowered in ("false", "0", "no", "f"):
        return False
    raise ValueError("not a boolean")


_LIST_ITEM = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,]*?)\s*(?:,|\Z)""", re.DOTALL)


def parse_list_cell(text: str) -> list[str]:
    """Items of a bracketed list cell: "[a, b]", "['a', 'b']", '["a", "b"]'; "" and "[]" are empty.

    Quoted items are unescaped as Python/JSON string literals; a cell without brackets is one item.
    """
    body = text.strip()
    if not body:
        return []
    if not (body.startswith("[") and body.endswith("]")):
        return [body]
    items = (_unquote(m.group(1)) for m in _LIST_ITEM.finditer(body[1:-1].strip()) if m.group(1))
    return list(items)


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        try:
            value = ast.literal_eval(token)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return token[1:-1]
        return value if isinstance(value, str) else token[1:-1]
    return token


def split_cell(text: str, sep: str) -> list[str]:
    """Items of a separated cell ("a b c" with sep " "), blanks dropped."""
    return [item.strip() for item in text.split(sep) if item.strip()]


def stable_id(*parts: object) -> str:
    """A deterministic id for records whose export has none: sha1 over the parts."""
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8", "surrogatepass")).hexdigest()


# -- field helpers (raise FieldError) -------------------------------------------------------------


def text_or_none(value: object) -> str | None:
    """A string field: numbers become strings (ids in JSON), blank becomes None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise FieldError(None, RejectReason.BAD_VALUE, f"expected text, got {type(value).__name__}")
    return value if value.strip() else None


def field_text(value: object, field: str) -> str | None:
    try:
        return text_or_none(value)
    except FieldError as exc:
        raise FieldError(field, exc.reason, f"{field}: {exc.detail}") from None


def required(value: object, field: str) -> str:
    text = field_text(value, field)
    if text is None:
        raise FieldError(field, RejectReason.MISSING_FIELD, f"{field} is empty or absent")
    return text.strip()


def field_timestamp(value: object, field: str, fmt: str = "auto") -> datetime:
    if value is None or value == "":
        raise FieldError(field, RejectReason.MISSING_FIELD, f"{field} is empty or absent")
    try:
        parsed = parse_timestamp(value if isinstance(value, str) else str(value), fmt)
    except ValueError as exc:
        raise FieldError(
            field, RejectReason.BAD_TIMESTAMP, f"{field}: {str(value)[:80]!r} is not a timestamp ({exc})"
        ) from None
    return in_store_range(parsed, field)


def in_store_range(parsed: datetime, field: str) -> datetime:
    """`parsed` when the store takes it (EARLIEST <= parsed < LATEST), else a BAD_TIMESTAMP FieldError."""
    if not EARLIEST <= parsed < LATEST:
        raise FieldError(
            field,
            RejectReason.BAD_TIMESTAMP,
            f"{field}: {parsed.isoformat()} is out of range ({EARLIEST.year} to {LATEST.year - 1})",
        )
    return parsed


def optional_timestamp(value: object, field: str, fmt: str = "auto") -> datetime | None:
    return None if value is None or value == "" else field_timestamp(value, field, fmt)


def field_count(value: object, field: str) -> int | None:
    try:
        return parse_count(value)
    except ValueError as exc:
        raise FieldError(
            field, RejectReason.BAD_VALUE, f"{field}: {str(value)[:80]!r} is not a count ({exc})"
        ) from None


def field_bool(value: str, field: str) -> bool | None:
    try:
        return parse_bool(value)
    except ValueError:
        raise FieldError(
            field, RejectReason.BAD_VALUE, f"{field}: {value[:80]!r} is not True/False"
        ) from None


# -- accounts --------------------------------------------------------------------------------------


class SeenAccounts:
    """The accounts a reader has yielded, so each is yielded once per file (first sighting wins)."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()

    def first(self, account: Account) -> bool:
        key = (account.platform, account.account_id)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def author(self, platform: str, account_id: str, record_no: int) -> Iterator[Account]:
        """A minimal account for a post's author, when the file has not shown it yet."""
        account = Account(platform=platform, account_id=account_id, source_record=record_no)
        if self.first(account):
            yield account
