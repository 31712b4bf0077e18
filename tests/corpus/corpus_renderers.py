"""Corpus items in the syntax of the layouts unmask started with (IO archive, X API v2, QUT CSV) and of
any generic mapping (written from the mapping itself, so a new packaged mapping needs nothing here).

Also the writing helpers every renderer shares: CSV with every CR quoted, bracketed list cells, and
JSON lines with the deep nesting and raw NUL bytes of the items that ask for them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from corpus_values import Expect, Item, Renderer, Stamp, one_item, same

from unmask.ingest.generic import COUNT_FIELDS, LIST_FIELDS, Mapping, Source
from unmask.ingest.parsing import split_cell
from unmask.ingest.qut_csv import COLUMNS as QUT_COLUMNS

_BARE_ITEM = re.compile(r"[\w#.:/-]+")
NEST = "__NEST__"  # where an item's nesting goes, as text: json.dumps would recurse too deep


def csv_bytes(header: list[str], rows: Iterable[list[str]], delimiter: str = ",") -> bytes:
    """CSV as spreadsheets and pandas write it; "\\r\\n" ends rows so that a CR in a cell is quoted."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogateescape")


def json_lines(values: Iterable[tuple[Item, object]], path: Path) -> None:
    """One JSON value per line: a member `NEST` becomes the item's nesting, `\\u0000` a raw NUL if asked."""
    with path.open("wb") as out:
        for item, value in values:
            line = json.dumps(value, ensure_ascii=False)
            if item.nest:
                line = line.replace(json.dumps(NEST), "[" * item.nest + "]" * item.nest)
            if item.raw_nul:
                line = line.replace("\\u0000", "\x00")
            out.write(line.encode("utf-8", "surrogateescape") + b"\n")


def nest(item: Item) -> dict[str, str]:
    """The member that carries an item's nesting (none when it has none)."""
    return {"nest": NEST} if item.nest else {}


def bracket_list(values: list[str]) -> str:
    """A list cell as IO archives write it: "[a, b]", items quoted (JSON string syntax) when needed."""
    items = (v if _BARE_ITEM.fullmatch(v) else json.dumps(v, ensure_ascii=False) for v in values)
    return "[" + ", ".join(items) + "]"


def carriers_of(post: Iterable[str], account: Iterable[str]) -> dict[str, Expect]:
    """Fields stored as written: list fields as lists, others as they are."""
    return {f"post.{name}": (one_item if name in LIST_FIELDS else same) for name in post} | {
        f"account.{name}": same for name in account
    }


class IoArchiveRenderer(Renderer):
    _POST: ClassVar[dict[str, str]] = {
        "text": "tweet_text",
        "lang": "tweet_language",
        "reply_to_post_id": "in_reply_to_tweetid",
        "reply_to_account_id": "in_reply_to_userid",
        "quote_of_post_id": "quoted_tweet_tweetid",
        "urls": "urls",
        "hashtags": "hashtags",
        "mentions": "user_mentions",
    }
    _ACCOUNT: ClassVar[dict[str, str]] = {
        "handle": "user_screen_name",
        "display_name": "user_display_name",
        "bio": "user_profile_description",
        "location": "user_reported_location",
        "profile_url": "user_profile_url",
        "declared_lang": "account_language",
    }
    carriers = carriers_of(_POST, _ACCOUNT)

    def write(self, items: list[Item], path: Path) -> None:
        header = ["tweetid", "userid", "tweet_time", "account_creation_date", *self._POST.values(),
                  *self._ACCOUNT.values(), "is_retweet", "like_count"]  # fmt: skip
        rows = []
        for item in items:
            stamp = item.account_created_at
            row = [f"p-{item.key}", self.account_id(item.key), _io_time(item.created_at)]
            row.append(_io_time(stamp) if stamp else "")
            for name in self._POST:
                value = item.post.get(name, "")
                listed = name in LIST_FIELDS and value != ""
                row.append(bracket_list(one_item(value)) if listed else str(value))
            row.extend(item.account.get(name, "") for name in self._ACCOUNT)
            rows.append([*row, "false", "0"])
        path.write_bytes(csv_bytes(header, rows))


def _io_time(stamp: Stamp) -> str:
    return stamp.iso().replace("T", " ")[:16]  # "YYYY-MM-DD HH:MM", as the archives write it


def x_entities(urls: list, hashtags: list, mentions: list) -> dict[str, list[dict]]:
    """A tweet's `entities` as the X API writes them."""
    return {
        "urls": [{"url": "https://t.co/x", "expanded_url": u} for u in urls],
        "hashtags": [{"tag": h} for h in hashtags],
        "mentions": [{"id": m, "username": "someone"} for m in mentions],
    }


class XApiV2Renderer(Renderer):
    """One twarc2 response page per line: the tweet in `data`, its author in `includes.users`."""

    suffix = ".jsonl"
    is_json = True
    _POST: ClassVar[dict[str, str]] = {"text": "text", "lang": "lang", "conversation_id": "conversation_id",
                                       "reply_to_account_id": "in_reply_to_user_id"}  # fmt: skip
    ACCOUNT: ClassVar[dict[str, str]] = {"handle": "username", "display_name": "name", "bio": "description",
                                         "location": "location", "profile_url": "url"}  # fmt: skip
    carriers = carriers_of([*_POST, "urls", "hashtags", "mentions"], ACCOUNT)

    def write(self, items: list[Item], path: Path) -> None:
        json_lines(((item, self.page(item)) for item in items), path)

    def page(self, item: Item) -> dict[str, object]:
        post = item.post
        tweet: dict[str, object] = {
            "id": f"p-{item.key}",
            "author_id": self.account_id(item.key),
            "created_at": item.created_at.iso() + ".000Z",
            "text": post.get("text", f"post {item.key}"),
            **{member: post[name] for name, member in self._POST.items() if name in post and name != "text"},
            "entities": x_entities(
                *(one_item(post.get(name, [])) for name in ("urls", "hashtags", "mentions"))
            ),
            **nest(item),
        }
        user: dict[str, object] = {"id": self.account_id(item.key)}
        user |= {member: item.account[name] for name, member in self.ACCOUNT.items() if name in item.account}
        if item.account_created_at:
            user["created_at"] = item.account_created_at.iso() + ".000Z"
        return {"data": [tweet], "includes": {"users": [user]}}


class QutCsvRenderer(Renderer):
    carriers: ClassVar[dict[str, Expect]] = {
        "post.text": same,
        "post.repost_of_post_id": same,
        "post.reply_to_post_id": same,
        "post.urls": lambda value: [x for v in one_item(value) for x in split_cell(str(v), " ")],
        "account.handle": same,
    }

    def write(self, items: list[Item], path: Path) -> None:
        rows = []
        for item in items:
            post = item.post
            rows.append(
                [
                    f"p-{item.key}",
                    self.account_id(item.key),
                    item.account.get("handle", ""),
                    str(post.get("repost_of_post_id", "")),
                    str(post.get("reply_to_post_id", "")),
                    str(post.get("text", "")),
                    str(item.created_at.posix()),
                    " ".join(one_item(post.get("urls", []))),
                ]
            )
        path.write_bytes(csv_bytes(list(QUT_COLUMNS), rows))


class GenericRenderer(Renderer):
    """Any mapping: its columns, its timestamp format, its list splitting, CSV or JSONL."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.is_json = mapping.format == "jsonl"
        self.suffix = ".jsonl" if self.is_json else ".csv"
        post, account = mapping.post, mapping.account
        self._created = post["created_at"]
        identity = {c for name in ("post_id", "account_id", "created_at") for c in post[name].columns}
        identity |= {mapping.platform.column} - {""}
        specs = {f"post.{n}": s for n, s in post.items()} | {f"account.{n}": s for n, s in account.items()}
        readers: dict[str, int] = {}  # fields reading each column as it is (hash inputs may carry payloads)
        for spec in specs.values():
            if spec.column:
                readers[spec.column] = readers.get(spec.column, 0) + 1
        self._columns: dict[str, Source] = {
            name: spec
            for name, spec in specs.items()
            if spec.column
            and spec.column not in identity
            and readers[spec.column] == 1
            and name.split(".")[1] not in COUNT_FIELDS | {"created_at"}
        }
        self.carriers = {name: self._expect(name, spec) for name, spec in self._columns.items()}

    def _expect(self, name: str, spec: Source) -> Expect:
        def mapped(value: object) -> object:
            return spec.values.get(value, value) if isinstance(value, str) else value

        if name.split(".")[1] not in LIST_FIELDS:
            return mapped
        if self.is_json or spec.split == "brackets":
            return lambda value: [mapped(v) for v in one_item(value)]
        if spec.split:
            return lambda value: [mapped(x) for v in one_item(value) for x in split_cell(str(v), spec.split)]
        return lambda value: [mapped(" ".join(one_item(value)))]

    def holds_many(self, name: str) -> bool:
        spec = self._columns.get(name)
        return spec is not None and (self.is_json or spec.split is not None)

    def account_id(self, key: str) -> str:
        prefixes = self.mapping.platform.prefixes
        return f"{next(iter(prefixes), '')}a-{key}"

    def _cells(self, item: Item) -> dict[str, object]:
        post = self.mapping.post
        cells: dict[str, object] = {}
        for name, value in (("post_id", f"p-{item.key}"), ("account_id", self.account_id(item.key))):
            if post[name].column:
                cells[post[name].column] = value
        if self.mapping.platform.column:
            cells.setdefault(self.mapping.platform.column, self.account_id(item.key))
        cells[self._created.column or ""] = self._time(item.created_at)
        if item.account_created_at and "created_at" in self.mapping.account:
            cells[self.mapping.account["created_at"].column or ""] = self._time(item.account_created_at)
        for name, spec in self._columns.items():
            part, _, key = name.partition(".")
            source = item.post if part == "post" else item.account
            if key in source:
                cells[spec.column or ""] = self._cell(source[key], spec, key)
        return cells

    def _cell(self, value: object, spec: Source, key: str) -> object:
        if key not in LIST_FIELDS:
            return value
        values = one_item(value)
        if self.is_json:
            return [{spec.key: v} for v in values] if spec.key else values
        if spec.split == "brackets":
            return bracket_list(values)
        return (spec.split or " ").join(values)

    def _time(self, stamp: Stamp) -> object:
        fmt = self._created.format or self.mapping.timestamp_format
        if fmt == "posix":
            return stamp.posix()
        if fmt == "posix_ms":
            return stamp.posix() * 1000
        if fmt in ("auto", "iso"):
            return stamp.iso()
        return stamp.strftime(fmt)

    def write(self, items: list[Item], path: Path) -> None:
        rows = [self._cells(item) for item in items]
        if self.is_json:
            json_lines(
                ((item, _nested(row) | nest(item)) for item, row in zip(items, rows, strict=True)), path
            )
            return
        header = list(dict.fromkeys(column for row in rows for column in row))
        header += [c for c in self.mapping.columns if c not in header]
        body = ([str(row.get(column, "")) for column in header] for row in rows)
        path.write_bytes(csv_bytes(header, body, self.mapping.delimiter))


def _nested(cells: dict[str, object]) -> dict[str, object]:
    """A JSON record from cells keyed by dotted paths ("user.id")."""
    record: dict[str, object] = {}
    for column, value in cells.items():
        *parents, last = column.split(".")
        target = record
        for part in parents:
            target = target.setdefault(part, {})  # type: ignore[assignment]
        target[last] = value
    return record
