"""Reading fields of JSON exports, shared by the JSON layouts (X API, YouTube, Reddit, TikTok, ...).

Each helper turns a wrong shape into a FieldError naming the field, so a layout rejects one record
with its reason instead of raising.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from unmask.ingest.parsing import (
    FieldError,
    SeenAccounts,
    find_bad_string,
    iter_json,
    json_text,
    make_reject,
    raw_json_is_clean,
)
from unmask.ingest.records import Account, Post, Record, Reject, RejectReason


def checked_object(value: object, clean: bool) -> dict:
    """An object whose strings are all storable (walked only when its raw record is not `clean`)."""
    if not isinstance(value, dict):
        raise FieldError(None, RejectReason.MALFORMED, f"expected an object, got {type(value).__name__}")
    if not clean and (found := find_bad_string(value)):
        path, problem = found
        raise FieldError(path, RejectReason.BAD_ENCODING, f"{path}: {problem}")
    return value


def json_object(value: object, field: str) -> dict:
    """A nested object; absent is empty, anything but an object is a bad value."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FieldError(field, RejectReason.BAD_VALUE, f"{field}: expected an object")
    return value


def json_objects(value: object, field: str) -> list[dict]:
    """A list of objects (entities, references); anything else in it is a bad value."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise FieldError(field, RejectReason.BAD_VALUE, f"{field}: expected a list of objects")
    return value


def reject_value(record_no: int, field: str, value: object, detail: str) -> Reject:
    """A bad-value reject quoting the offending part of the record."""
    return make_reject(record_no, field, RejectReason.BAD_VALUE, json_text(value), f"{field}: {detail}")


Split = Callable[[object, int], Iterator[tuple[str, str | None, object] | Reject]]


Build = Callable[[str | None, int, dict], tuple[Account, Post]]  # (kind, record number, object)


def read_objects(path: Path, split: Split, build: Build) -> Iterator[Record]:
    """The records of every object `split` finds in the file's JSON records.

    Each object is checked for unstorable strings and turned into (account, post) by `build`; a
    FieldError rejects that object only; each account is yielded once per file, before its first post.
    """
    seen = SeenAccounts()
    for item in iter_json(path):
        if isinstance(item, Reject):
            yield item
            continue
        clean = raw_json_is_clean(item.raw)
        for found in split(item.value, item.record_no):
            if isinstance(found, Reject):
                yield found
                continue
            where, kind, value = found
            try:
                account, post = build(kind, item.record_no, checked_object(value, clean))
            except FieldError as exc:
                yield exc.reject(item.record_no, json_text(value), where)
                continue
            if seen.first(account):
                yield account
            yield post


Listed = tuple[object, int, str, bool]  # (element, record number, field prefix, record is clean)


def iter_listed(
    path: Path, list_key: str, *, is_page: Callable[[dict], bool] = bool
) -> Iterator[Listed | Reject]:
    """The elements of every JSON value in the file: a response's `list_key` list is opened (as are
    top-level arrays), any other value is one element; a `list_key` that is not a list is rejected."""
    for item in iter_json(path):
        if isinstance(item, Reject):
            yield item
            continue
        clean = raw_json_is_clean(item.raw)
        value = item.value
        values = [(f"[{i}].", v) for i, v in enumerate(value)] if isinstance(value, list) else [("", value)]
        for prefix, node in values:
            if not (isinstance(node, dict) and list_key in node and is_page(node)):
                yield node, item.record_no, prefix, clean
                continue
            listed = node[list_key]
            if not isinstance(listed, list):
                yield reject_value(item.record_no, f"{prefix}{list_key}", node, "not a list")
                continue
            for i, element in enumerate(listed):
                yield element, item.record_no, f"{prefix}{list_key}[{i}].", clean
