"""Cross-platform signals: what links two platforms' accounts, and what must not."""

from __future__ import annotations

from datetime import datetime, timedelta

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.engines.duckdb import DuckDBEngine
from unmask.ingest.records import Account, Post
from unmask.ingest.writer import StagingWriter
from unmask.signals.base import PairSignal
from unmask.signals.coaction import co_action_pairs, pairs_to_edges
from unmask.signals.cross_platform import (
    CROSS_PLATFORM_LINK,
    CROSS_PLATFORM_NAME,
    CROSS_PLATFORM_TEXT,
    fold_name,
    only_across_platforms,
)
from unmask.store import Store, open_store

T0 = datetime(2023, 9, 1, 12)
NEWS = "https://www.cbc.ca/news/politics/house-returns-1.6950000"


def _write(store: Store, accounts: list[Account], posts: list[Post]) -> Store:
    store.con.execute("BEGIN TRANSACTION")
    writer = StagingWriter(store.con, "test")
    for record in [*accounts, *posts]:
        writer.add(record)
    writer.finish()
    store.con.execute("COMMIT")
    return store


def _post(platform: str, account: str, minutes: float, text: str, urls: list[str] | None = None) -> Post:
    post_id = f"{platform}-{account}-{minutes}"
    return Post(platform, post_id, account, T0 + timedelta(minutes=minutes), text=text, urls=urls or [])


def _edges(store: Store, signal: PairSignal, min_actions: int = 2) -> dict[tuple[str, str], int]:
    engine = DuckDBEngine(store)
    pairs = co_action_pairs(
        signal.events(engine, signal),
        window_s=signal.window_s,
        neighbors=signal.neighbors,
        total_accounts=100,
    )
    table = engine.to_arrow(pairs_to_edges(pairs, signal.name))
    return {
        (a, b): n
        for a, b, n in zip(
            table["a"].to_pylist(), table["b"].to_pylist(), table["actions"].to_pylist(), strict=True
        )
        if n >= min_actions
    }


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("John_Smith84", "johnsmith"),
        ("real_JohnSmith", "johnsmith"),
        ("johnsmith_official", "johnsmith"),
        ("Jean-Luc Tremblay 🍁", "jeanluctremblay"),
        ("Theresa", "theresa"),  # "the" only goes when it is a separate prefix
        ("王小明", "王小明"),
    ],
)
def test_names_fold_to_their_letters_without_decorations(name: str, folded: str) -> None:
    table = ibis.memtable({"name": [name]})
    assert table.select(k=fold_name(table.name)).execute()["k"].tolist() == [folded]


def test_one_person_on_two_platforms_is_linked_by_name(store: Store) -> None:
    accounts = [
        Account("x", "1", handle="Alice_Martin84", display_name="Alice Martin"),
        Account("facebook", "f1", handle=None, display_name="Alice Martin"),
        Account("x", "2", handle="bob_k", display_name="Bob"),
    ]
    posts = [_post("x", "1", m, f"post {m}") for m in (0, 60, 24 * 60 * 3)]
    posts += [_post("facebook", "f1", m, f"fb post {m}") for m in (30, 90, 24 * 60 * 3 + 20)]
    posts += [_post("x", "2", m, "hello") for m in (5, 65)]
    edges = _edges(_write(store, accounts, posts), CROSS_PLATFORM_NAME)
    assert set(edges) == {("facebook:f1", "x:1")}


def test_a_name_two_accounts_share_on_one_platform_links_nobody(store: Store) -> None:
    accounts = [
        Account("x", "1", handle="JeanRoy"),
        Account("x", "2", handle="jean_roy_77"),  # another Jean Roy on X: the name identifies no one
        Account("facebook", "f1", display_name="Jean Roy"),
    ]
    posts = [_post(p, a, m, "text") for p, a in (("x", "1"), ("x", "2"), ("facebook", "f1")) for m in (0, 30)]
    engine = DuckDBEngine(_write(store, accounts, posts))
    events = engine.to_arrow(CROSS_PLATFORM_NAME.events(engine, CROSS_PLATFORM_NAME))
    assert events.num_rows == 0


def test_same_name_active_on_different_days_is_not_linked(store: Store) -> None:
    accounts = [Account("x", "1", handle="maple_kadoru"), Account("youtube", "UC1", handle="maple_kadoru")]
    posts = [_post("x", "1", m, "x") for m in (0, 60)]
    posts += [_post("youtube", "UC1", 60 * 24 * 5 + m, "yt") for m in (0, 60)]
    assert not _edges(_write(store, accounts, posts), CROSS_PLATFORM_NAME)


def test_a_persona_cross_posting_its_own_text_is_linked(store: Store) -> None:
    texts = [
        "question for the minister why do you protect a fugitive who insults everyone",
        "the truth about the fires in hawaii is what nobody on television will tell you",
    ]
    posts = []
    for i, text in enumerate(texts):
        posts.append(_post("x", "1", 600 * i, text))
        posts.append(_post("reddit", "persona_1", 600 * i + 7, text))
    edges = _edges(_write(store, [], posts), CROSS_PLATFORM_TEXT)
    assert edges == {("reddit:persona_1", "x:1"): 2}


def test_a_text_many_post_on_one_platform_is_not_a_cross_post(store: Store) -> None:
    text = "so proud of our hockey team tonight what a game everyone should watch it"
    posts = [_post("x", str(i), 10 * i + j * 300, text) for i in range(3) for j in range(2)]
    posts += [_post("facebook", "f1", 5 + j * 300, text) for j in range(2)]
    engine = DuckDBEngine(_write(store, [], posts))
    assert engine.to_arrow(CROSS_PLATFORM_TEXT.events(engine, CROSS_PLATFORM_TEXT)).num_rows == 0


def test_two_people_sharing_one_popular_news_link_once_are_not_linked(store: Store) -> None:
    posts = [_post("x", f"o{i}", i, "reading this", [NEWS]) for i in range(30)]
    posts.append(_post("facebook", "f1", 3, "must read", [NEWS]))
    posts.append(_post("x", "solo", 2, "wow", [NEWS]))
    store = _write(store, [], posts)
    assert not _edges(store, CROSS_PLATFORM_LINK)
    assert not _edges(store, CROSS_PLATFORM_LINK, min_actions=1)  # popular: held by many on X


def test_rare_links_shared_on_two_platforms_twice_are_linked(store: Store) -> None:
    links = ["https://blog.example.org/fugitive-part-1", "https://blog.example.org/fugitive-part-2"]
    posts = []
    for i, link in enumerate(links):
        posts.append(_post("x", "1", 300 * i, "look", [link]))
        posts.append(_post("facebook", "f9", 300 * i + 40, "see this", [link]))
    posts.append(_post("x", "2", 3, "once", [links[0]]))  # a second X account on the first link
    edges = _edges(_write(store, [], posts), CROSS_PLATFORM_LINK, min_actions=1)
    assert edges == {("facebook:f9", "x:1"): 1}  # only the second link is theirs alone: one co-action


events_strategy = st.lists(
    st.tuples(
        st.sampled_from(["x:1", "x:2", "facebook:1", "facebook:2", "youtube:1"]),
        st.sampled_from(["k1", "k2", "k3"]),
        st.integers(0, 300),
    ),
    max_size=30,
)


@settings(max_examples=50, deadline=None)
@given(events_strategy)
def test_every_pair_left_joins_two_platforms(tmp_path_factory, rows) -> None:
    events = ibis.memtable(
        pa.table(
            {
                "acct": [r[0] for r in rows],
                "key": [r[1] for r in rows],
                "ts": pa.array([T0 + timedelta(seconds=r[2]) for r in rows], pa.timestamp("us")),
                "post_id": [f"p{i}" for i in range(len(rows))],
            }
        ),
        schema={"acct": "string", "key": "string", "ts": "timestamp", "post_id": "string"},
    )
    with open_store(tmp_path_factory.mktemp("xp") / "s.duckdb") as store:
        engine = DuckDBEngine(store)
        kept = engine.to_arrow(only_across_platforms(events))
        pairs = engine.to_arrow(
            co_action_pairs(only_across_platforms(events), window_s=300, neighbors=30, total_accounts=9)
        )
    for a, b in zip(pairs["a"].to_pylist(), pairs["b"].to_pylist(), strict=True):
        assert a.split(":")[0] != b.split(":")[0]
    holders: dict[str, dict[str, set[str]]] = {}
    for acct, key in zip(kept["acct"].to_pylist(), kept["key"].to_pylist(), strict=True):
        holders.setdefault(key, {}).setdefault(acct.split(":")[0], set()).add(acct)
    for key, by_platform in holders.items():
        assert len(by_platform) >= 2 and all(len(a) == 1 for a in by_platform.values()), key
    expected = {
        key
        for key in {r[1] for r in rows}
        if len({r[0].split(":")[0] for r in rows if r[1] == key}) >= 2
        and all(
            len({r[0] for r in rows if r[1] == key and r[0].startswith(p + ":")}) == 1
            for p in {r[0].split(":")[0] for r in rows if r[1] == key}
        )
    }
    assert set(holders) == expected
