"""The packaged mappings read the real reference data sets in ../shared/real (first rows of each)."""

from __future__ import annotations

from datetime import datetime
from itertools import islice
from pathlib import Path

import pytest

from unmask.ingest.generic import GenericLayout, load_mapping
from unmask.ingest.registry import detect_layout

ROWS = 2000
FILES = {
    "russian_coord_tweets": "russian_coord_tweets.csv",
    "german_elections": "german_elections.csv",
    "ira_2016": "ira_2016/ira_tweets_2016-09-01_2016-11-30.csv",
}


@pytest.fixture
def head_of(shared: Path, tmp_path: Path):
    """A copy of the header and first ROWS rows of a real file (none of them spans lines)."""

    def _head_of(name: str) -> Path:
        source = shared / "real" / FILES[name]
        if not source.is_file():
            pytest.skip(f"{source} is absent")
        target = tmp_path / source.name
        with source.open("rb") as src:
            target.write_bytes(b"".join(islice(src, ROWS + 1)))
        return target

    return _head_of


@pytest.mark.parametrize("name", list(FILES))
def test_packaged_mapping_reads_without_rejects_and_is_detected(head_of, read, name):
    path = head_of(name)
    assert detect_layout(path).name == name
    got = read(GenericLayout(load_mapping(name)), path)
    assert got.rejects == []
    assert len(got.posts) == ROWS
    assert [p.source_record for p in got.posts] == list(range(2, ROWS + 2))
    assert {a.account_id for a in got.accounts} == {p.account_id for p in got.posts}
    assert all(datetime(2016, 1, 1) < p.created_at < datetime(2022, 1, 1) for p in got.posts)


def test_russian_coord_tweets_are_all_retweets(head_of, read):
    got = read(GenericLayout(load_mapping("russian_coord_tweets")), head_of("russian_coord_tweets"))
    first = got.posts[0]
    assert (first.post_id, first.account_id) == (
        "114e22f1b2b648528277b76f0b0224e7",
        "0fb4232d1b7b37069c13ee17579bd10e",
    )
    assert first.repost_of_post_id == "85d2d12251a735ce05255061f7f231e2"
    assert first.created_at == datetime(2021, 6, 16, 22, 4, 51)  # 1623881091
    assert all(p.repost_of_post_id and p.platform == "x" for p in got.posts)


def test_german_elections_platforms_and_objects(head_of, read):
    got = read(GenericLayout(load_mapping("german_elections")), head_of("german_elections"))
    for post in got.posts:
        expected = "facebook" if post.account_id.startswith("fb_") else "x"
        assert post.platform == expected
        assert len(post.urls) + len(post.hashtags) + len(post.domains) + len(post.media) <= 4
    first = got.posts[0]
    assert (first.platform, first.post_id, first.urls, first.domains) == (
        "facebook",
        "129235",
        ["23678"],
        ["3498"],
    )
    assert {a.platform for a in got.accounts} <= {"facebook", "x"}


def test_ira_ids_languages_and_profiles(head_of, read):
    got = read(GenericLayout(load_mapping("ira_2016")), head_of("ira_2016"))
    ids = [p.post_id for p in got.posts]
    assert len(set(ids)) == len(ids) and all(len(i) == 40 for i in ids)
    first = got.posts[0]
    assert (first.account_id, first.lang) == ("WashingtOnline", "en")
    assert first.created_at == datetime(2016, 9, 1)
    assert first.text.startswith("House Republicans want new DOJ probe")
    assert {p.lang for p in got.posts} >= {"en", "ru"}
    assert all(p.lang is None or len(p.lang) <= 3 for p in got.posts)  # every language name is mapped
    account = got.account("WashingtOnline")
    assert (account.handle, account.following, account.followers) == ("WashingtOnline", 15477, 31759)
