"""What the three layouts share when a slice of posts is written: Arrow columns and entity strings.

Everything is built in bulk with Arrow compute (Python touches only the few posts with hashtags), so
writing stays close to C speed at millions of posts.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from unmask.synth.accounts import BIO_POOL, LOCATION_POOL, Population
from unmask.synth.batch import REPLY, RETWEET, PostBatch
from unmask.synth.config import DAY
from unmask.synth.pools import ACCOUNT_LANG_CODES, CLIENTS, LANGS
from unmask.synth.urls import UrlBook, short_link

HASHTAG = re.compile(r"#(\w+)")
json_string = json.JSONEncoder(ensure_ascii=False).encode  # str -> quoted JSON string literal
_NEEDS_ESCAPE = r'["\\\x00-\x1f]'
LANG_CODES = pa.array(LANGS, pa.string())
CLIENT_NAMES = pa.array(CLIENTS, pa.string())


def concat(*parts: pa.Array | str, sep: str = "", skip_nulls: bool = False) -> pa.Array:
    """Element-wise concatenation; a null part makes the result null unless skip_nulls (then the first
    part must be a literal: see `join_present`)."""
    args = [pa.scalar(p) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, sep, null_handling="skip" if skip_nulls else "emit_null")


def join_present(parts: list[pa.Array], sep: str) -> pa.Array:
    """The non-null parts of each row joined by sep ("" when all are null).

    Arrow's `null_handling="skip"` drops rows whose inputs are all null (pyarrow 26), so every part is
    led by sep and joined after a literal anchor that is never null; the leading sep is then cut off.
    """
    joined = concat("", *[concat(sep, part) for part in parts], skip_nulls=True)
    return pc.utf8_slice_codeunits(joined, len(sep))


def nullable(values: np.ndarray, pool: pa.Array) -> pa.Array:
    """pool.take(values) with -1 meaning absent (null)."""
    return pool.take(pa.array(values, mask=values < 0))


def json_strings(text: pa.Array) -> pa.Array:
    """Quoted JSON string literals of a string array: one scan, and the json module only for the rows
    holding a quote, a backslash or a control character."""
    needs = pc.fill_null(pc.match_substring_regex(text, _NEEDS_ESCAPE), False)
    quoted = concat('"', text, '"')
    if not pc.any(needs).as_py():
        return quoted
    rows = np.flatnonzero(needs.to_numpy(zero_copy_only=False))
    escaped = [json_string(s) for s in text.take(pa.array(rows)).to_pylist()]
    values = quoted.to_pylist()
    for row, value in zip(rows.tolist(), escaped, strict=True):
        values[row] = value
    return pa.array(values, pa.string())


_CLOCK = pa.array([f"T{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)])


def time_strings(t: np.ndarray) -> pa.Array:
    """'YYYY-MM-DDTHH:MM:SS' for POSIX seconds: the date of each distinct day plus a lookup of the clock."""
    day = t // DAY
    days, which = np.unique(day, return_inverse=True)
    dates = pa.array(np.datetime_as_string(days.astype("datetime64[D]")), pa.string())
    return concat(dates.take(pa.array(which)), _CLOCK.take(pa.array(t - day * DAY)))


class AccountStrings:
    """Per-account string columns, built once: user ids, JSON-ready names, pools of bios and places."""

    def __init__(self, pop: Population) -> None:
        self.pop = pop
        self.uid = pa.array(pop.user_id).cast(pa.string())
        self.names_json = json_strings(pop.names)
        self.bio = pa.array((*BIO_POOL, ""), pa.string())  # last entry: empty bio
        self.bio_json = json_strings(self.bio)
        self.location = pa.array(LOCATION_POOL, pa.string())
        self.location_json = json_strings(self.location)
        self.profile_url = pa.array(
            [
                short_link(f"profile:{u}") if has else None
                for u, has in zip(pop.user_id.tolist(), pop.has_url.tolist(), strict=True)
            ],
            pa.string(),
        )
        created = time_strings(pop.created)
        self.created_iso = concat(created, ".000Z")
        self.created_day = pc.utf8_slice_codeunits(created, 0, 10)
        self.account_lang = pa.array(ACCOUNT_LANG_CODES, pa.string())

    def bio_index(self, who: np.ndarray) -> pa.Array:
        bio = self.pop.bio[who].astype(np.int64)
        return pa.array(np.where(bio < 0, len(BIO_POOL), bio))


class UrlStrings:
    """The UrlBook's links as Arrow arrays, rebuilt only when links were added."""

    def __init__(self, urls: UrlBook) -> None:
        self._urls = urls
        self._size = -1

    def arrays(self) -> tuple[pa.Array, pa.Array]:
        """(expanded URLs, v2 `"urls":[...]` entity parts)."""
        if self._size != len(self._urls.expanded):
            self._size = len(self._urls.expanded)
            expanded = pa.array(self._urls.expanded, pa.string())
            self._expanded = expanded
            self._entity = concat(
                '"urls":[{"url":"',
                pa.array(self._urls.short, pa.string()),
                '","expanded_url":',
                json_strings(expanded),
                "}]",
            )
        return self._expanded, self._entity


class SliceView:
    """One sorted slice of posts, prepared for writing."""

    def __init__(self, batch: PostBatch, acc: AccountStrings, urls: UrlStrings) -> None:
        self.batch = batch
        self.n = len(batch)
        self.id_str = pa.array(batch.post_id).cast(pa.string())
        self.conv_str = pa.array(batch.conv).cast(pa.string())
        self.parent_str = pa.array(batch.parent, mask=batch.parent < 0).cast(pa.string())
        self.author_uid = acc.uid.take(pa.array(batch.author))
        self.parent_uid = nullable(batch.parent_author, acc.uid)
        self.handle = acc.pop.handles.take(pa.array(batch.author))
        self.text = pa.array(batch.text, pa.string())
        self.text_json = json_strings(self.text)
        self.lang = LANG_CODES.take(pa.array(batch.lang))
        self.client = CLIENT_NAMES.take(pa.array(batch.client))
        when = time_strings(batch.t)
        self.iso = concat(when, ".000Z")
        self.minute = pc.replace_substring(pc.utf8_slice_codeunits(when, 0, 16), "T", " ")
        self._entities(batch, acc, urls)

    def _entities(self, batch: PostBatch, acc: AccountStrings, urls: UrlStrings) -> None:
        """Mentions, hashtags and links of each post, as v2 `entities` JSON and as archive lists."""
        mentioned = np.where((batch.kind == REPLY) | (batch.kind == RETWEET), batch.parent_author, -1)
        people = np.unique(np.concatenate([mentioned, batch.mention]))
        people = people[people >= 0]
        at = pa.array(people)
        person_json = concat('{"username":"', acc.pop.handles.take(at), '","id":"', acc.uid.take(at), '"}')
        slot1 = np.searchsorted(people, mentioned)
        slot2 = np.searchsorted(people, batch.mention)
        first = person_json.take(pa.array(slot1, mask=mentioned < 0))
        second = person_json.take(pa.array(slot2, mask=batch.mention < 0))
        any_mention = pa.array((mentioned >= 0) | (batch.mention >= 0))
        null = pa.scalar(None, pa.string())
        mention_part = pc.if_else(
            any_mention, concat('"mentions":[', join_present([first, second], ","), "]"), null
        )
        uid1, uid2 = nullable(mentioned, acc.uid), nullable(batch.mention, acc.uid)
        self.mentions = concat("[", join_present([uid1, uid2], ", "), "]")

        tag_part: list[str | None] = [None] * self.n
        tag_list: list[str] = ["[]"] * self.n
        texts = batch.text
        for i in np.flatnonzero(pc.match_substring(self.text, "#").to_numpy(zero_copy_only=False)).tolist():
            tags = HASHTAG.findall(texts[i])
            if tags:
                tag_part[i] = '"hashtags":[' + ",".join(f'{{"tag":{json_string(t)}}}' for t in tags) + "]"
                tag_list[i] = "[" + ", ".join(tags) + "]"
        self.hashtags = pa.array(tag_list, pa.string())

        expanded, url_entity = urls.arrays()
        self.url = nullable(batch.url, expanded)
        self.urls = pc.if_else(pa.array(batch.url >= 0), concat("[", self.url, "]"), "[]")
        self.qut_urls = self.url.fill_null("")
        inner = join_present(
            [mention_part, pa.array(tag_part, pa.string()), nullable(batch.url, url_entity)], ","
        )
        has_any = pc.not_equal(inner, "")
        self.entities_json = pc.if_else(has_any, concat(',"entities":{', inner, "}"), null)
