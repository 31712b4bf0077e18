"""Helpers for the watch tests: the planted scenario as IO-archive export files, the test config."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from unmask.campaigns.detect import DetectConfig, detect
from unmask.ingest.pipeline import ingest_paths
from unmask.store import Store, open_store
from unmask.watch.incremental import rescore
from unmask.watch.ledger import PER_POST

# The IO-archive columns the planted scenario fills (the layout needs no others).
IO_COLUMNS = (
    "tweetid",
    "userid",
    "user_screen_name",
    "account_creation_date",
    "follower_count",
    "tweet_language",
    "tweet_text",
    "tweet_time",
    "in_reply_to_userid",
)
PARTS = 4
# Two per-post signals and one window-local signal: every code path of the watch, without loading
# the cross-lingual embedding model in every test.
SIGNALS = ("co_post", "near_duplicate", "co_reply")
CONFIG = DetectConfig(signals=SIGNALS)
PER_POST_ONLY = DetectConfig(signals=tuple(s for s in SIGNALS if s in PER_POST))


def write_io_archive(path: Path, rows: list[tuple]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(IO_COLUMNS)
        writer.writerows(rows)
    return path


def split_rows(rows: list[tuple], parts: int = PARTS) -> list[list[tuple]]:
    """Consecutive time slices of about equal size, as a feed delivers them."""
    return [rows[k * len(rows) // parts : (k + 1) * len(rows) // parts] for k in range(parts)]


@dataclass
class Webhook:
    url: str
    bodies: list[dict] = field(default_factory=list)
    failures_left: int = 0  # answer this many requests with HTTP 500 first


def build_full(path: Path, parts: list[Path], config: DetectConfig) -> Path:
    """A store holding every part, with `unmask detect`'s results."""
    with open_store(path) as store:
        ingest_paths(store, parts)
        detect(store, config)
    return path


def build_stepwise(path: Path, parts: list[Path], config: DetectConfig) -> Path:
    """A store fed one part at a time, with one watch step after each."""
    with open_store(path) as store:
        for number, part in enumerate(parts):
            ingest_paths(store, [part])
            step = rescore(store, config)
            assert step.baseline == (number == 0)
            assert step.sources == 1 and step.posts == count_records(part)
    return path


def count_records(path: Path) -> int:
    return sum(1 for _ in path.open(encoding="utf-8")) - 1


def rows(store: Store, sql: str) -> set[tuple]:
    return set(store.con.execute(sql).fetchall())


def signal_edges(store: Store, signals: tuple[str, ...]) -> set[tuple]:
    names = ", ".join(f"'{s}'" for s in signals)
    return rows(
        store,
        "SELECT signal, a, b, round(weight, 9), keys, actions, first_ts, last_ts FROM signal_edges "
        f"WHERE signal IN ({names})",
    )


def evidence(store: Store, signals: tuple[str, ...]) -> set[tuple]:
    names = ", ".join(f"'{s}'" for s in signals)
    return rows(store, f"SELECT * FROM evidence WHERE signal IN ({names})")


def features(store: Store) -> set[tuple]:
    return rows(store, "SELECT * FROM account_features")


def flagged(store: Store) -> set[tuple]:
    return rows(store, "SELECT platform, account_id FROM campaign_accounts")
