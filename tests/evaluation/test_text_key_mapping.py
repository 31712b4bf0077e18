"""Reposts that carry the reposted text but not its id (the IRA export) key on the folded text.

The mechanism is the generic mapping's (`hash` with `fold = true`, `when`), nothing specific to a
data set: the same text keys the same after folding, other rows get no key, and texts that fold to
nothing keep a key of their raw value.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import pytest

from unmask.ingest import generic
from unmask.ingest.generic import GenericLayout, load_mapping, parse_mapping
from unmask.ingest.parsing import stable_id
from unmask.ingest.records import Post
from unmask.text import fold, fold_many

MAPPING = {
    "format": "csv",
    "platform": "x",
    "post": {
        "post_id": "id",
        "account_id": "author",
        "created_at": {"column": "ts", "format": "posix"},
        "text": "content",
        "repost_of_post_id": {"hash": ["content"], "fold": True, "when": {"kind": ["R", "retweet"]}},
    },
}
ROWS = """id,author,ts,kind,content
1,ann,100,R,Hello World! https://t.co/aaa
2,bob,105,retweet,"hello   WORLD, https://t.co/bbb"
3,cid,110,,Hello World!
4,dan,115,R,❤️ https://t.co/ccc
5,eve,120,R,❤️ https://t.co/ddd
6,fay,125,Q,Hello World!
"""


def _posts(tmp_path: Path, mapping: dict = MAPPING) -> list[Post]:
    data = tmp_path / "export.csv"
    data.write_text(ROWS, encoding="utf-8")
    layout = GenericLayout(parse_mapping(mapping))
    return [r for r in layout.read(data) if isinstance(r, Post)]


def test_reposts_key_on_folded_text_and_other_rows_on_nothing(tmp_path: Path) -> None:
    keys = {p.post_id: p.repost_of_post_id for p in _posts(tmp_path)}
    assert (
        keys["1"] == keys["2"] == stable_id(fold("Hello World! https://t.co/aaa")) == stable_id("hello world")
    )
    assert keys["3"] is None and keys["6"] is None  # not reposts under `when`
    # emoji and a link fold to no letter (only the emoji's variation selector): the raw text keys it
    assert keys["4"] == stable_id("❤️ https://t.co/ccc") != keys["5"]


def test_folding_in_batches_keeps_order_and_keys(tmp_path: Path, monkeypatch) -> None:
    whole = [(p.post_id, p.repost_of_post_id, p.source_record) for p in _posts(tmp_path)]
    monkeypatch.setattr(generic, "FOLD_BATCH", 2)
    assert [(p.post_id, p.repost_of_post_id, p.source_record) for p in _posts(tmp_path)] == whole
    assert [record for _, _, record in whole] == sorted(record for _, _, record in whole)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"column": "content", "fold": True}, "fold goes with hash"),
        ({"hash": ["content"], "when": "R"}, "when must map"),
        ({"hash": ["content"], "when": {"kind": 1}}, "when must map"),
    ],
)
def test_bad_fold_or_when_is_refused(spec, message) -> None:
    mapping = {**MAPPING, "post": {**MAPPING["post"], "repost_of_post_id": spec}}
    with pytest.raises(ValueError, match=message):
        parse_mapping(mapping)


def test_when_columns_are_required_by_sniffing() -> None:
    assert "kind" in parse_mapping(MAPPING).columns


def test_ira_retweets_share_a_key_per_text(shared: Path, tmp_path: Path) -> None:
    source = shared / "real" / "ira_2016" / "ira_tweets_2016-09-01_2016-11-30.csv"
    head = tmp_path / "ira.csv"
    with source.open("rb") as handle:
        head.write_bytes(b"".join(islice(handle, 3001)))
    posts = [r for r in GenericLayout(load_mapping("ira_2016")).read(head) if isinstance(r, Post)]
    reposts = [p for p in posts if p.repost_of_post_id]
    assert 0 < len(reposts) < len(posts)
    by_text: dict[str, set[str]] = {}
    for post, folded in zip(reposts, fold_many([p.text for p in reposts]), strict=True):
        by_text.setdefault(folded if any(c.isalpha() for c in folded) else post.text, set()).add(
            post.repost_of_post_id
        )
    assert all(len(keys) == 1 for keys in by_text.values())
    assert len({p.repost_of_post_id for p in reposts}) == len(by_text)
