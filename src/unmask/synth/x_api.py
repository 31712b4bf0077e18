"""Writes the scenario as X API v2 search pages, one JSON page per line, the way twarc2 stores them."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from unmask.synth.batch import REPLY
from unmask.synth.config import MAX_DELAY
from unmask.synth.rendering import AccountStrings, SliceView, concat

PAGE_SIZE = 100
REFERENCE_TYPES = pa.array([None, "replied_to", "retweeted", "quoted"], pa.string())
TWARC = json.dumps(
    {
        "url": "https://api.twitter.com/2/tweets/search/all?query=%23cdnpoli&max_results=100",
        "version": "2.14.0",
        "retrieved_at": "2023-10-02T09:00:00+00:00",
    },
    separators=(",", ":"),
)
_NULL = pa.scalar(None, pa.string())


def _lists(offsets: np.ndarray, values: pa.Array) -> pa.Array:
    return pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values), ",")


def raw_bytes(lines: pa.Array) -> pa.Buffer:
    """The concatenated UTF-8 bytes of a string array without nulls, without copying them."""
    offsets = np.frombuffer(lines.buffers()[1], np.int32)[lines.offset : lines.offset + len(lines) + 1]
    return lines.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


class XApiWriter:
    """Pages of ~100 tweets with `includes.users` for every author, replied/retweeted user and mention,
    and `includes.tweets` for every referenced tweet still known."""

    def __init__(self, path: Path, acc: AccountStrings) -> None:
        self._fh = path.open("wb")
        self._acc = acc
        self._known: dict[int, str] = {}
        self._known_by_time: deque[tuple[int, list[int]]] = deque()  # (latest post time, ids) per write

    def close(self) -> None:
        self._fh.close()

    def write(self, view: SliceView, referenced: np.ndarray) -> None:
        """Write one slice; `referenced` marks posts that later posts reply to, retweet or quote."""
        if not view.n:
            return
        tweets = self._tweets(view)
        self._remember(
            view.batch.t, view.batch.post_id[referenced], tweets.filter(pa.array(referenced)).to_pylist()
        )
        n = view.n
        n_pages = -(-n // PAGE_SIZE)
        bounds = np.minimum(np.arange(n_pages + 1) * PAGE_SIZE, n)
        page = np.arange(n) // PAGE_SIZE
        first, last = bounds[:-1], bounds[1:] - 1
        lines = concat(
            '{"data":[',
            _lists(bounds, tweets),
            '],"includes":{"users":[',
            self._page_users(view, page, n_pages),
            "]",
            self._page_tweets(view, page, n_pages),
            '},"meta":{"newest_id":"',
            view.id_str.take(pa.array(last)),
            '","oldest_id":"',
            view.id_str.take(pa.array(first)),
            '","result_count":',
            pa.array(last - first + 1).cast(pa.string()),
            '},"__twarc":' + TWARC + "}\n",
        )
        self._fh.write(raw_bytes(lines))

    def _tweets(self, view: SliceView) -> pa.Array:
        b = view.batch
        is_reply = pa.array(b.kind == REPLY)
        media = pa.array(np.where(b.media, b.post_id, -1), mask=~b.media).cast(pa.string())
        return concat(
            '{"id":"',
            view.id_str,
            '","author_id":"',
            view.author_uid,
            '","created_at":"',
            view.iso,
            '","text":',
            view.text_json,
            ',"lang":"',
            view.lang,
            '","conversation_id":"',
            view.conv_str,
            '"',
            concat(',"in_reply_to_user_id":"', pc.if_else(is_reply, view.parent_uid, _NULL), '"'),
            concat(
                ',"referenced_tweets":[{"type":"',
                REFERENCE_TYPES.take(pa.array(b.kind)),
                '","id":"',
                view.parent_str,
                '"}]',
            ),
            view.entities_json,
            concat(',"attachments":{"media_keys":["3_', media, '"]}'),
            ',"public_metrics":{"retweet_count":',
            pa.array(b.retweets).cast(pa.string()),
            ',"reply_count":',
            pa.array(b.replies).cast(pa.string()),
            ',"like_count":',
            pa.array(b.likes).cast(pa.string()),
            ',"quote_count":',
            pa.array(b.quotes).cast(pa.string()),
            '},"source":"',
            view.client,
            '"}',
            skip_nulls=True,
        )

    def _users(self, who: np.ndarray) -> pa.Array:
        acc, pop = self._acc, self._acc.pop
        at = pa.array(who)
        loc = pop.location[who].astype(np.int64)
        return concat(
            '{"id":"',
            acc.uid.take(at),
            '","username":"',
            pop.handles.take(at),
            '","name":',
            acc.names_json.take(at),
            ',"created_at":"',
            acc.created_iso.take(at),
            '","description":',
            acc.bio_json.take(acc.bio_index(who)),
            concat(',"location":', acc.location_json.take(pa.array(loc, mask=loc < 0))),
            concat(',"url":"', acc.profile_url.take(at), '"'),
            ',"public_metrics":{"followers_count":',
            pa.array(pop.followers[who]).cast(pa.string()),
            ',"following_count":',
            pa.array(pop.following[who]).cast(pa.string()),
            ',"tweet_count":',
            pa.array(pop.statuses[who]).cast(pa.string()),
            ',"listed_count":',
            pa.array(pop.listed[who]).cast(pa.string()),
            "}}",
            skip_nulls=True,
        )

    def _page_users(self, view: SliceView, page: np.ndarray, n_pages: int) -> pa.Array:
        b = view.batch
        n_acc = len(self._acc.pop)
        keys = [page * n_acc + b.author]
        for extra in (b.parent_author, b.mention):
            keys.append((page * n_acc + extra)[extra >= 0])
        pairs = np.unique(np.concatenate(keys))
        pair_page, pair_acc = pairs // n_acc, pairs % n_acc
        accounts = np.unique(pair_acc)
        users = self._users(accounts).take(pa.array(np.searchsorted(accounts, pair_acc)))
        return _lists(np.searchsorted(pair_page, np.arange(n_pages + 1)), users)

    def _page_tweets(self, view: SliceView, page: np.ndarray, n_pages: int) -> pa.Array:
        b = view.batch
        has = b.parent >= 0
        per_page: list[list[str]] = [[] for _ in range(n_pages)]
        seen = set()
        for p, parent in zip(page[has].tolist(), b.parent[has].tolist(), strict=True):
            found = self._known.get(parent)
            if found is not None and (p, parent) not in seen:
                seen.add((p, parent))
                per_page[p].append(found)
        return pa.array(
            [',"tweets":[' + ",".join(items) + "]" if items else "" for items in per_page], pa.string()
        )

    def _remember(self, t: np.ndarray, ids: np.ndarray, tweets: list[str]) -> None:
        """Keep referenced tweets for `includes.tweets` until no later post can point at them (reactions
        come at most MAX_DELAY after their post, and writes arrive in time order)."""
        keys = ids.tolist()
        self._known.update(zip(keys, tweets, strict=True))
        self._known_by_time.append((int(t.max()), keys))
        while self._known_by_time[0][0] < int(t.min()) - MAX_DELAY:
            for key in self._known_by_time.popleft()[1]:
                self._known.pop(key, None)
