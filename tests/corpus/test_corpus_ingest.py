"""The hostile corpus through every ingest layout in LAYOUTS, each payload in that layout's own syntax.

Valid but hostile values (markup, script URLs, formulas, bidi and zero-width characters, control
characters, 1 MiB of text, 10^6 hashtags) are stored exactly as written; records that cannot be stored
(NUL, bytes that are not UTF-8, JSON nested past the decoder's limit, timestamps outside 1970-2099,
year 0 and 9999 among them) are rejected with their reason, and nothing raises. Layouts are taken from
the registry when the tests are collected, so a layout added to it is covered (or fails, asking for a
renderer in hostile.py).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from corpus_values import IN_RANGE, MANY, MIB, PAYLOADS, Item, Renderer, field_value
from hostile import corpus_items, nesting_sweep, renderer_for

from unmask.ingest.generic import LIST_FIELDS
from unmask.ingest.parsing import MAX_RECORD_CHARS
from unmask.ingest.pipeline import FileResult, ingest_paths
from unmask.ingest.records import RejectReason
from unmask.ingest.registry import LAYOUTS
from unmask.store import Store, open_store

BIG = ("1 MiB text", "10^6 hashtags")


_KEY = re.compile(r"a-([kn]\d{5,})")  # the item key inside a renderer's account id


def _key(text: str) -> str | None:
    found = _KEY.search(text)
    return found.group(1) if found else None


@dataclass
class Ingested:
    """One layout's corpus file, ingested into a store of its own, its rows indexed by item key."""

    name: str
    renderer: Renderer
    items: list[Item]
    result: FileResult
    posts: dict[str, list[dict]]
    accounts: dict[str, dict]
    reject_reasons: dict[str, list[str]]

    @classmethod
    def load(
        cls, name: str, renderer: Renderer, items: list[Item], store: Store, result: FileResult
    ) -> Ingested:
        posts: dict[str, list[dict]] = {}
        for row in _rows(store, "SELECT * FROM posts"):
            posts.setdefault(_key(row["account_id"]) or "", []).append(row)
        accounts = {_key(row["account_id"]) or "": row for row in _rows(store, "SELECT * FROM accounts")}
        reasons: dict[str, list[str]] = {}
        for row in _rows(store, "SELECT reason, raw FROM rejects"):
            reasons.setdefault(_key(row["raw"]) or "", []).append(row["reason"])
        return cls(name, renderer, items, result, posts, accounts, reasons)

    def post(self, item: Item) -> dict | None:
        rows = self.posts.get(item.key, [])
        assert len(rows) <= 1, f"{self.name}: {item.label}: {len(rows)} posts"
        return rows[0] if rows else None

    def account(self, item: Item) -> dict | None:
        return self.accounts.get(item.key)

    def rejects(self, item: Item) -> list[str]:
        """The reasons of the rejects quoting this item's account id."""
        return self.reject_reasons.get(item.key, [])


def _rows(store: Store, sql: str) -> list[dict]:
    cursor = store.con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _renderer(name: str) -> Renderer:
    """The layout's renderer; a layout without one fails the test that needs it, saying what to add."""
    try:
        return renderer_for(LAYOUTS[name])
    except NotImplementedError as exc:
        pytest.fail(str(exc))


@contextmanager
def _ingest(name: str, items_for: Callable[[Renderer], list[Item]], folder: Path) -> Iterator[Ingested]:
    renderer = _renderer(name)
    items = items_for(renderer)
    path = folder / f"corpus{renderer.suffix}"
    renderer.write(items, path)
    with open_store(folder / "store.duckdb") as store:
        report = ingest_paths(store, [path], format=name)
        yield Ingested.load(name, renderer, items, store, report.files[0])


@pytest.fixture(scope="module", params=list(LAYOUTS))
def ingested(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingested]:
    with _ingest(request.param, corpus_items, tmp_path_factory.mktemp(request.param)) as ingested:
        yield ingested


def test_the_whole_file_is_read_without_error(ingested: Ingested) -> None:
    result = ingested.result
    assert result.error is None and result.counts is not None, result.error
    for item in ingested.items:
        stored, rejected = ingested.post(item) is not None, bool(ingested.rejects(item))
        assert stored != rejected, f"{ingested.name}: {item.label}: stored={stored} rejected={rejected}"


def _stored_wrong(ingested: Ingested) -> tuple[int, list[str]]:
    """(values checked, values not stored as expected) over the items to store, big ones aside."""
    carriers = ingested.renderer.carriers
    wrong = []
    checked = 0
    for item in ingested.items:
        if item.reject or item.label.startswith(BIG):
            continue
        post, account = ingested.post(item), ingested.account(item)
        assert post is not None, f"{ingested.name}: {item.label} was not stored"
        for name in [f"post.{k}" for k in item.post] + [f"account.{k}" for k in item.account]:
            row = post if name.startswith("post.") else account
            stored = (row or {}).get(name.split(".")[1])
            expected = carriers[name](field_value(item, name))
            checked += 1
            if stored != expected:
                wrong.append(f"{item.label}: stored {stored!r:.80}, expected {expected!r:.80}")
    return checked, wrong


def test_hostile_values_are_stored_exactly(ingested: Ingested) -> None:
    checked, wrong = _stored_wrong(ingested)
    assert checked >= len(ingested.renderer.carriers) * len(PAYLOADS)
    assert not wrong, f"{ingested.name}: " + "\n".join(wrong)


def _plain_items(renderer: Renderer) -> list[Item]:
    """Storable items with the payload in a scalar field and no line break: what a native reader takes
    (list cells with quoted items, line breaks and lines past DuckDB's limit go to the Python reader)."""
    return [
        item
        for item in corpus_items(renderer)
        if item.reject is None
        and not item.label.startswith(BIG)
        and not set(item.post) & LIST_FIELDS
        and not any(_LINE_BREAK.search(str(v)) for v in [*item.post.values(), *item.account.values()])
    ]


_LINE_BREAK = re.compile(r"[\r\n]")


@pytest.mark.parametrize("name", [name for name, layout in LAYOUTS.items() if hasattr(layout, "native")])
def test_plain_hostile_values_through_the_native_reader(name: str, tmp_path: Path) -> None:
    """Markup, formulas, bidi, controls... do not send a file to the slow path, and DuckDB's reading
    stores them exactly as the Python reader does."""
    with _ingest(name, _plain_items, tmp_path) as ingested:
        assert ingested.result.error is None and ingested.result.native, f"{name}: not read natively"
        checked, wrong = _stored_wrong(ingested)
        assert checked >= len(PAYLOADS) and not wrong, f"{name}: " + "\n".join(wrong)


@pytest.mark.parametrize("name", [name for name, layout in LAYOUTS.items() if hasattr(layout, "native")])
def test_no_timestamp_out_of_range_passes_the_native_reader(name: str, tmp_path: Path) -> None:
    """In an otherwise clean file, years 0, 9999, 1969 and 2100 are rejected, whichever reader reads it."""

    def items(renderer: Renderer) -> list[Item]:
        return _plain_items(renderer)[:5] + [
            i for i in corpus_items(renderer) if i.label.startswith("timestamp")
        ]

    with _ingest(name, items, tmp_path) as ingested:
        for item in ingested.items:
            outcome = ingested.rejects(item) if item.reject else ingested.post(item) is not None
            assert outcome in ([item.reject], True), f"{name}: {item.label}: {outcome}"


def test_a_mebibyte_of_text_and_a_million_hashtags(ingested: Ingested, tmp_path: Path) -> None:
    """Stored exactly; or, where the layout's syntax makes the record longer than the reader's record
    limit (10^6 hashtags as Telegram or Bluesky entities), rejected as malformed, as documented."""
    big = [item for item in ingested.items if item.label.startswith(BIG)]
    assert big, "the big cases were not generated"
    for item in big:
        ((name, value),) = [(f"post.{k}", v) for k, v in item.post.items()] + [
            (f"account.{k}", v) for k, v in item.account.items()
        ]
        assert len(value) in (MIB, MANY) or value.count("#") == MANY, item.label
        post = ingested.post(item)
        if post is None:
            alone = tmp_path / f"alone{ingested.renderer.suffix}"
            ingested.renderer.write([item], alone)
            assert alone.stat().st_size > MAX_RECORD_CHARS, f"{ingested.name}: {item.label} was not stored"
            assert ingested.rejects(item) == [RejectReason.MALFORMED], f"{ingested.name}: {item.label}"
            continue
        stored = (post if name.startswith("post.") else ingested.account(item) or {})[name.split(".")[1]]
        assert stored == ingested.renderer.carriers[name](value), f"{ingested.name}: {item.label}"


def test_unstorable_records_are_rejected_with_their_reason(ingested: Ingested) -> None:
    rejected = [item for item in ingested.items if item.reject]
    assert {item.reject for item in rejected} >= {RejectReason.BAD_ENCODING, RejectReason.BAD_TIMESTAMP}
    for item in rejected:
        assert ingested.post(item) is None, f"{ingested.name}: {item.label} was stored"
        reasons = ingested.rejects(item)
        assert reasons == [item.reject], f"{ingested.name}: {item.label}: rejects {reasons}"


def test_year_0_and_9999_are_rejected_and_the_range_ends_stored(ingested: Ingested) -> None:
    years = {item.created_at.year: item for item in ingested.items if item.label.startswith("timestamp")}
    assert {0, 9999} <= set(years)
    for year in (0, 9999, 1969, 2100):
        assert ingested.rejects(years[year]) and ingested.post(years[year]) is None, year
    for stamp in IN_RANGE:
        post = ingested.post(years[stamp.year])
        assert post is not None and post["created_at"] == stamp.value(), (ingested.name, stamp)
    stored = [row["created_at"] for rows in ingested.posts.values() for row in rows]
    assert min(stored) == IN_RANGE[0].value() and max(stored) == IN_RANGE[1].value()


def _sweep(renderer: Renderer) -> list[Item]:
    limit = sys.getrecursionlimit()
    return nesting_sweep(renderer, [*range(1, 10), *range(limit - 400, limit + 20)])


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_json_nested_at_every_depth(name: str, tmp_path: Path) -> None:
    """Every depth up to past the recursion limit: each record stored or rejected, none raises."""
    if not _renderer(name).is_json:
        pytest.skip(f"{name} is not JSON: nesting reaches it only as text (payload nested_json_text)")
    with _ingest(name, _sweep, tmp_path) as ingested:
        _check_sweep(ingested)


def _check_sweep(ingested: Ingested) -> None:
    assert ingested.result.error is None, ingested.result.error
    outcomes: dict[str, set] = {}
    for item in ingested.items:
        post = ingested.post(item)
        reasons = [RejectReason(reason) for reason in ingested.rejects(item)]
        outcome = None if post is not None and not reasons else tuple(reasons)
        assert outcome is None or len(reasons) == 1, (item.label, reasons)
        got = None if outcome is None else reasons[0]
        assert got in item.either, f"{ingested.name}: {item.label}: {got}"
        outcomes.setdefault(item.key[-1], set()).add(got)
    # Every variant is read at shallow depths and rejected as malformed past the limit.
    assert outcomes == {
        "0": {None, RejectReason.MALFORMED},
        "1": {RejectReason.BAD_ENCODING, RejectReason.MALFORMED},
        "2": {RejectReason.BAD_TIMESTAMP, RejectReason.MALFORMED},
    }
