"""Writes the scenario as CSV: an X Information Operations archive and the QUT coordination toolkit input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from unmask.synth.batch import QUOTE, REPLY, RETWEET
from unmask.synth.rendering import AccountStrings, SliceView, nullable

IO_COLUMNS = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid", "is_retweet",
    "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count", "reply_count", "like_count",
    "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices",
)  # fmt: skip
# The QUT Digital Observatory coordination-network-toolkit reads these eight columns by position and
# skips the first row as a header (its README and `preprocess_csv_files`).
QUT_COLUMNS = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls")


def _when(mask: np.ndarray, values: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), values, pa.scalar(None, values.type))


class _CsvSink:
    """An Arrow CSV writer opened on the first slice (the schema comes from the first table)."""

    def __init__(self, path: Path, header: bool) -> None:
        self._path = path
        self._header = header
        self._writer: pacsv.CSVWriter | None = None
        path.write_bytes(b"")

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            options = pacsv.WriteOptions(include_header=self._header)
            self._writer = pacsv.CSVWriter(str(self._path), table.schema, write_options=options)
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


class IoArchiveWriter:
    """One row per post with the author's profile repeated, as in X's Information Operations archives."""

    def __init__(self, path: Path, acc: AccountStrings) -> None:
        self._sink = _CsvSink(path, header=True)
        self._acc = acc

    def close(self) -> None:
        self._sink.close()

    def write(self, view: SliceView) -> None:
        if not view.n:
            return
        acc, pop, b = self._acc, self._acc.pop, view.batch
        at = pa.array(b.author)
        retweet, reply, quote = b.kind == RETWEET, b.kind == REPLY, b.kind == QUOTE
        none = pa.nulls(view.n, pa.string())
        columns = [
            view.id_str,
            view.author_uid,
            pop.names.take(at),
            view.handle,
            nullable(pop.location[b.author].astype(np.int64), acc.location),
            acc.bio.take(acc.bio_index(b.author)),
            acc.profile_url.take(at),
            pa.array(pop.followers[b.author]),
            pa.array(pop.following[b.author]),
            acc.created_day.take(at),
            acc.account_lang.take(pa.array(pop.decl_lang[b.author])),
            view.lang,
            view.text,
            view.minute,
            view.client,
            _when(reply, view.parent_uid),
            _when(reply, view.parent_str),
            _when(quote, view.parent_str),
            pa.array(np.where(retweet, "True", "False")),
            _when(retweet, view.parent_uid),
            _when(retweet, view.parent_str),
            none,
            none,
            pa.array(b.quotes),
            pa.array(b.replies),
            pa.array(b.likes),
            pa.array(b.retweets),
            view.hashtags,
            view.urls,
            view.mentions,
            none,
        ]
        self._sink.write(pa.Table.from_arrays(columns, names=list(IO_COLUMNS)))


class QutWriter:
    """message_id, user_id, username, repost_id, reply_id, message, POSIX timestamp, space-separated urls."""

    def __init__(self, path: Path) -> None:
        self._sink = _CsvSink(path, header=True)

    def close(self) -> None:
        self._sink.close()

    def write(self, view: SliceView) -> None:
        if not view.n:
            return
        b = view.batch
        columns = [
            view.id_str,
            view.author_uid,
            view.handle,
            _when(b.kind == RETWEET, view.parent_str),
            _when(b.kind == REPLY, view.parent_str),
            view.text,
            pa.array(b.t),
            view.qut_urls,
        ]
        self._sink.write(pa.Table.from_arrays(columns, names=list(QUT_COLUMNS)))
