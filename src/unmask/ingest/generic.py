"""Any CSV or JSONL export, read through a small TOML mapping from its columns to unmask's fields.

A mapping file looks like this (every key but `[post]`'s three required fields is optional)::

    name = "my_export"              # names the layout in `sources.format`; default: the file's stem
    description = "free text"
    format = "csv"                  # "csv" or "jsonl"; default: from the data file's suffix
    delimiter = ","                 # CSV only
    timestamp_format = "auto"       # default for timestamp fields, see below
    platform = "x"                  # a constant, or derived from a column's prefix:
    # platform = { column = "account_id", prefixes = { fb_ = "facebook", tw_ = "x" }, default = "x" }

    [post]                          # our Post field = where its value comes from
    post_id = "content_id"          # a column name (JSONL: a dotted path such as "user.id")
    account_id = "account_id"
    created_at = { column = "ts", format = "posix" }
    urls = { column = "links", split = " " }
    lang = { column = "language", values = { English = "en" } }
    text = { value = "n/a" }        # a constant
    # post_id = { hash = ["author", "date", "text"], with_record = true }   # a derived id, see below
    # repost_of_post_id = { hash = ["text"], fold = true, when = { type = "retweet" } }

    [account]                       # our Account field (handle, display_name, created_at, declared_lang,
    handle = "screen_name"          # followers, following, bio, location, profile_url) = source, as above

A source is a column name, or a table with exactly one of `column`, `value` (a constant) or `hash` (the
sha1 of those columns' values, plus the record's line when `with_record` is true: for exports without
ids; ids then hold for that file as written). With `fold = true` a hash is taken over the folded text
(unmask.text: case, links, mentions, digits and punctuation gone; raw values where that leaves
no letter), so one text keys the same wherever it recurs: exports whose reposts carry the reposted text
but not its id derive `repost_of_post_id` that way. `when = { column = "value" }` (or a list of values)
fills a field only in records where that column holds one of the values. Options: `format` for
timestamps ("auto": POSIX seconds when numeric, else ISO 8601; "iso"; "posix"; "posix_ms"; or a
`strptime` pattern; values without an offset are UTC), `split` for list fields (urls, domains,
hashtags, mentions, media: a separator, or "brackets" for cells like "['a', 'b']"; without it a cell
is one item, a JSON list its items), `key` for JSON lists of objects (the member to take), and
`values` (a lookup table; unlisted values pass).
Required: post.post_id, post.account_id and post.created_at.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from functools import partial
from itertools import islice
from pathlib import Path

from unmask.errors import InputError
from unmask.ingest.parsing import (
    TIMESTAMP_FORMATS,
    FieldError,
    SeenAccounts,
    csv_header,
    decoded_head,
    field_count,
    field_text,
    field_timestamp,
    find_bad_string,
    iter_csv_table,
    iter_json,
    logical_suffix,
    make_reject,
    optional_timestamp,
    parse_list_cell,
    required,
    split_cell,
    stable_id,
)
from unmask.ingest.records import Account, Post, Record, Reject, RejectReason
from unmask.text import fold_many

MAPPINGS_DIR = Path(__file__).with_name("mappings")

POST_FIELDS = tuple(f.name for f in fields(Post) if f.name not in ("platform", "source_record"))
ACCOUNT_FIELDS = tuple(
    f.name for f in fields(Account) if f.name not in ("platform", "account_id", "source_record")
)
REQUIRED_POST_FIELDS = ("post_id", "account_id", "created_at")
LIST_FIELDS = frozenset({"urls", "domains", "hashtags", "mentions", "media"})
COUNT_FIELDS = frozenset(
    {"like_count", "repost_count", "reply_count", "quote_count", "view_count", "followers", "following"}
)
_TOP_KEYS = {"name", "description", "format", "delimiter", "timestamp_format", "platform", "post", "account"}
_SPEC_KEYS = {"column", "value", "hash", "with_record", "fold", "when", "format", "split", "key", "values"}
FOLD_BATCH = 5_000  # records whose folded keys are computed in one vectorised call
_JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}


@dataclass(frozen=True)
class Source:
    """Where one of our fields comes from, and how to read it."""

    column: str | None = None
    value: str | None = None
    hash: tuple[str, ...] = ()
    with_record: bool = False
    fold: bool = False
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    format: str | None = None
    split: str | None = None
    key: str | None = None
    values: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return ((self.column,) if self.column else self.hash) + tuple(self.when)


@dataclass(frozen=True)
class PlatformRule:
    """A constant platform, or one read from a column's prefix (`fb_123` → facebook)."""

    value: str | None = None
    column: str = ""
    prefixes: dict[str, str] = field(default_factory=dict)
    default: str | None = None

    @property
    def label(self) -> str:
        return self.value or ",".join(sorted({*self.prefixes.values(), *filter(None, [self.default])}))


@dataclass(frozen=True)
class Mapping:
    name: str
    platform: PlatformRule
    post: dict[str, Source]
    account: dict[str, Source] = field(default_factory=dict)
    format: str | None = None  # csv | jsonl; None: by the data file's suffix
    delimiter: str = ","
    timestamp_format: str = "auto"
    description: str = ""

    @property
    def columns(self) -> list[str]:
        """Every source column the mapping reads (sniffing checks a header has them)."""
        specs = [*self.post.values(), *self.account.values()]
        names = [c for spec in specs for c in spec.columns]
        if self.platform.column:
            names.append(self.platform.column)
        return list(dict.fromkeys(names))


# -- loading ---------------------------------------------------------------------------------------


def packaged_mappings() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml"))


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A packaged mapping by name (`german_elections`) or a mapping file by path."""
    path = Path(name_or_path)
    if not path.is_file():
        packaged = MAPPINGS_DIR / f"{name_or_path}.toml"
        if isinstance(name_or_path, Path) or not packaged.is_file():
            known = ", ".join(packaged_mappings())
            raise InputError(f"mapping {name_or_path}: no such file or packaged mapping (packaged: {known})")
        path = packaged
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"mapping {path}: cannot read: {exc}") from exc
    try:
        return parse_mapping(document, default_name=path.stem)
    except ValueError as exc:
        raise InputError(f"mapping {path}: {exc}") from exc


def parse_mapping(document: dict, default_name: str = "generic") -> Mapping:
    """A Mapping from parsed TOML; ValueError says what is wrong."""
    _known_keys(document, _TOP_KEYS, "top level")
    fmt = document.get("format")
    if fmt not in (None, "csv", "jsonl"):
        raise ValueError(f"format must be 'csv' or 'jsonl', not {fmt!r}")
    delimiter = document.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ValueError("delimiter must be one character")
    timestamp_format = _timestamp_format(document.get("timestamp_format", "auto"), "timestamp_format")
    post = _sources(document.get("post"), POST_FIELDS, "post")
    missing = [name for name in REQUIRED_POST_FIELDS if name not in post]
    if missing:
        raise ValueError(f"[post] needs {', '.join(missing)}")
    return Mapping(
        name=_string(document.get("name", default_name), "name"),
        platform=_platform(document.get("platform")),
        post=post,
        account=_sources(document.get("account", {}), ACCOUNT_FIELDS, "account"),
        format=fmt,
        delimiter=delimiter,
        timestamp_format=timestamp_format,
        description=_string(document.get("description", ""), "description"),
    )


def _known_keys(table: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(
            f"unknown key(s) {', '.join(unknown)} in {where} (known: {', '.join(sorted(allowed))})"
        )


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string")
    return value


def _timestamp_format(value: object, where: str) -> str:
    fmt = _string(value, where)
    if fmt not in TIMESTAMP_FORMATS and "%" not in fmt:
        raise ValueError(
            f"{where}: {fmt!r} is not one of {', '.join(TIMESTAMP_FORMATS)} or a strptime pattern"
        )
    return fmt


def _platform(value: object) -> PlatformRule:
    if isinstance(value, str) and value:
        return PlatformRule(value=value)
    if not isinstance(value, dict):
        raise ValueError("platform must be a name or a table with column and prefixes")
    _known_keys(value, {"column", "prefixes", "default"}, "platform")
    prefixes = value.get("prefixes")
    if (
        not isinstance(prefixes, dict)
        or not prefixes
        or not all(isinstance(v, str) for v in prefixes.values())
    ):
        raise ValueError("platform.prefixes must map prefixes to platform names")
    default = value.get("default")
    return PlatformRule(
        column=_string(value.get("column"), "platform.column"),
        prefixes=dict(sorted(prefixes.items(), key=lambda kv: -len(kv[0]))),  # longest prefix first
        default=None if default is None else _string(default, "platform.default"),
    )


def _sources(table: object, allowed: tuple[str, ...], where: str) -> dict[str, Source]:
    if not isinstance(table, dict):
        raise ValueError(f"[{where}] must be a table of field = source")
    _known_keys(table, set(allowed), f"[{where}]")
    return {name: _source(spec, name, f"{where}.{name}") for name, spec in table.items()}


def _source(spec: object, name: str, where: str) -> Source:
    if isinstance(spec, str):
        return Source(column=spec)
    if not isinstance(spec, dict):
        raise ValueError(f"{where} must be a column name or a table")
    _known_keys(spec, _SPEC_KEYS, where)
    kinds = [k for k in ("column", "value", "hash") if k in spec]
    if len(kinds) != 1:
        raise ValueError(f"{where} needs exactly one of column, value, hash")
    hashed = spec.get("hash", [])
    if not isinstance(hashed, list) or not all(isinstance(c, str) for c in hashed):
        raise ValueError(f"{where}.hash must be a list of column names")
    for option in ("with_record", "fold"):
        if option in spec and "hash" not in spec:
            raise ValueError(f"{where}.{option} goes with hash")
    when = spec.get("when", {})
    if not isinstance(when, dict) or not all(isinstance(v, str | list) for v in when.values()):
        raise ValueError(f"{where}.when must map column names to a value or a list of values")
    if ("split" in spec or "key" in spec) and name not in LIST_FIELDS:
        raise ValueError(f"{where}: split/key apply to list fields ({', '.join(sorted(LIST_FIELDS))})")
    if "format" in spec and name != "created_at":
        raise ValueError(f"{where}: format applies to created_at")
    values = spec.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise ValueError(f"{where}.values must map source values to strings")
    return Source(
        column=_string(spec["column"], f"{where}.column") if "column" in spec else None,
        value=_string(spec["value"], f"{where}.value") if "value" in spec else None,
        hash=tuple(hashed),
        with_record=bool(spec.get("with_record", False)),
        fold=bool(spec.get("fold", False)),
        when={column: tuple(v) if isinstance(v, list) else (v,) for column, v in when.items()},
        format=_timestamp_format(spec["format"], f"{where}.format") if "format" in spec else None,
        split=_string(spec["split"], f"{where}.split") if "split" in spec else None,
        key=_string(spec["key"], f"{where}.key") if "key" in spec else None,
        values=values,
    )


# -- reading ---------------------------------------------------------------------------------------


class GenericLayout:
    """Reads CSV or JSONL as its mapping says."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.name = mapping.name
        self.platform = mapping.platform.label
        fmt = mapping.timestamp_format
        self._post_fields = {
            name: _field_reader(name, spec, needed=name in REQUIRED_POST_FIELDS, default_format=fmt)
            for name, spec in mapping.post.items()
        }
        self._account_fields = {
            name: _field_reader(name, spec, needed=False, default_format=fmt)
            for name, spec in mapping.account.items()
        }
        self._folded = [name for name, spec in mapping.post.items() if spec.fold]

    def _format(self, path: Path) -> str:
        if self.mapping.format:
            return self.mapping.format
        return "jsonl" if logical_suffix(path) in _JSONL_SUFFIXES else "csv"

    def sniff(self, head: bytes, path: Path) -> bool:
        """True when the file has every column the mapping reads (CSV header or top-level JSON keys)."""
        if self._format(path) == "csv":
            return set(self.mapping.columns) <= set(csv_header(head, self.mapping.delimiter))
        text = decoded_head(head).lstrip()
        keys = {column.split(".")[0] for column in self.mapping.columns}
        return text.startswith("{") and all(f'"{key}"' in text for key in keys)

    def read(self, path: Path) -> Iterator[Record]:
        records = self._read(path)
        yield from _resolve_folded(records, self._folded) if self._folded else records

    def _read(self, path: Path) -> Iterator[Record]:
        seen = SeenAccounts()
        for item in self._rows(path):
            if isinstance(item, Reject):
                yield item
                continue
            record_no, row, raw = item
            try:
                account, post = self._records(row, record_no)
            except FieldError as exc:
                yield exc.reject(record_no, raw)
                continue
            if seen.first(account):
                yield account
            yield post

    def _rows(self, path: Path) -> Iterator[Reject | tuple[int, dict, str]]:
        """(record_no, source record, raw text) for each readable record of the file."""
        if self._format(path) == "csv":
            for item in iter_csv_table(path, delimiter=self.mapping.delimiter):
                yield item if isinstance(item, Reject) else (item[0].record_no, item[1], item[0].raw)
            return
        for item in iter_json(path):
            if isinstance(item, Reject):
                yield item
            elif not isinstance(item.value, dict):
                yield make_reject(item.record_no, None, RejectReason.MALFORMED, item.raw, "not an object")
            elif found := find_bad_string(item.value):
                yield make_reject(item.record_no, found[0], RejectReason.BAD_ENCODING, item.raw, found[1])
            else:
                yield item.record_no, item.value, item.raw

    def _records(self, row: dict, record_no: int) -> tuple[Account, Post]:
        post = {name: read(row, record_no) for name, read in self._post_fields.items()}
        profile = {name: read(row, record_no) for name, read in self._account_fields.items()}
        platform = self._platform(row)
        account = Account(platform, post["account_id"], source_record=record_no, **profile)  # type: ignore[arg-type]
        return account, Post(platform=platform, source_record=record_no, **post)  # type: ignore[arg-type]

    def _platform(self, row: dict) -> str:
        rule = self.mapping.platform
        if rule.value:
            return rule.value
        cell = field_text(_lookup(row, rule.column), rule.column) or ""
        for prefix, platform in rule.prefixes.items():
            if cell.startswith(prefix):
                return platform
        if rule.default:
            return rule.default
        known = ", ".join(rule.prefixes)
        raise FieldError(
            rule.column, RejectReason.BAD_VALUE, f"{rule.column}: {cell[:80]!r} has no prefix of {known}"
        )


FieldReader = Callable[[dict, int], object]


@dataclass(frozen=True, slots=True)
class _FoldedKey:
    """A `fold` hash waiting for its batch: folding costs milliseconds per call, so texts are folded
    many at a time (see _resolve_folded) and this stands in the post's field until then."""

    text: str
    raw_key: str  # the key when the text folds to no letters (emoji and links only)


def _field_reader(name: str, spec: Source, *, needed: bool, default_format: str) -> FieldReader:
    """A function reading field `name` from a source record, built once per mapping."""
    read = _unconditional_reader(name, spec, needed=needed, default_format=default_format)
    if not spec.when:
        return read

    def conditional(row: dict, record_no: int) -> object:
        applies = all(field_text(_lookup(row, c), c) in values for c, values in spec.when.items())
        return read(row, record_no) if applies else None

    return conditional


def _unconditional_reader(name: str, spec: Source, *, needed: bool, default_format: str) -> FieldReader:
    where = spec.column or name
    if spec.hash:

        def hashed(row: dict, record_no: int) -> str | _FoldedKey:
            cells = [field_text(_lookup(row, c), c) or "" for c in spec.hash]
            key = stable_id(*cells, *([record_no] if spec.with_record else []))
            return _FoldedKey(" ".join(cells), key) if spec.fold else key

        return hashed
    if name in LIST_FIELDS:
        return lambda row, _: _list_items(_source_value(row, spec), spec, where)
    convert: Callable[[object], object]
    if name in COUNT_FIELDS:
        convert = partial(field_count, field=where)
    elif name == "created_at":
        timestamp = field_timestamp if needed else optional_timestamp
        convert = partial(timestamp, field=where, fmt=spec.format or default_format)
    else:
        convert = partial(required if needed else field_text, field=where)
    return lambda row, _: convert(_mapped(_source_value(row, spec), spec))


def _resolve_folded(records: Iterator[Record], names: list[str]) -> Iterator[Record]:
    """Records in their order, each post's `fold` fields replaced by the hash of the folded text."""
    while batch := list(islice(records, FOLD_BATCH)):
        pending = [(post, name) for post in batch if isinstance(post, Post) for name in names]
        pending = [(post, name) for post, name in pending if isinstance(getattr(post, name), _FoldedKey)]
        texts = fold_many([getattr(post, name).text for post, name in pending])
        for (post, name), text in zip(pending, texts, strict=True):
            has_words = any(char.isalpha() for char in text)  # not just emoji's variation selectors
            setattr(post, name, stable_id(text) if has_words else getattr(post, name).raw_key)
        yield from batch


def _source_value(row: dict, spec: Source) -> object:
    return spec.value if spec.value is not None else _lookup(row, spec.column or "")


def _mapped(value: object, spec: Source) -> object:
    return spec.values.get(value, value) if isinstance(value, str) and spec.values else value


def _list_items(raw: object, spec: Source, where: str) -> list[str]:
    if isinstance(raw, list):
        items = [item.get(spec.key) if spec.key and isinstance(item, dict) else item for item in raw]
    elif spec.split == "brackets":
        items = parse_list_cell(field_text(raw, where) or "")
    elif spec.split:
        items = split_cell(field_text(raw, where) or "", spec.split)
    else:
        items = [raw]
    texts = (field_text(item, where) for item in items)
    return [str(_mapped(t, spec)) for t in texts if t is not None]


def _lookup(row: dict, column: str) -> object:
    """A CSV cell, or a JSON member by dotted path ("user.id")."""
    if column in row:
        return row[column]
    value: object = row
    for part in column.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
