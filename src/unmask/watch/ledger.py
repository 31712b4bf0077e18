"""The pair ledger: every co-action pair of every signal, so that an edge can be re-aggregated exactly.

`unmask detect` keeps the pairs in temp tables and stores only the edges; an edge's distinct keys and
distinct co-actions cannot be updated from the edge alone, so the watch keeps the pairs (`watch_pairs`)
and each key's popularity (`watch_keys`, the accounts acting on it).

Which pairs new posts can change. For the PER_POST signals an event is a function of one post alone
(its text, reply target, links, hashtags, reposted post, media), keyed by what the post carries.
Events are ranked per key by time and paired with their next `neighbors` events within the window W
(see unmask.signals.coaction). A new event at time t changes only the pairs of events of its key at
times in [t − W, t]: an earlier event's window closes before t, and a later event's successors all
come after t. So with the new posts spanning [t0, t1] and M = W + 1 s (coaction compares whole epoch
seconds), the pairs whose earlier event lies in the zone [t0 − M, t1] on the keys the new posts use
are recomputed from the events in [t0 − M, t1 + M] — every successor an event of the zone can pair
with lies there — and every other pair stays as it was. The popularity of those keys is recounted
over all time. For these signals the ledger holds exactly the pairs a full run builds.

Every other signal is window-local: its keys label a clustering of the run's texts (near-duplicate
templates, cross-lingual narratives), or its events depend on more than their post (a name unique on
its platform; cross-platform events, which are themselves pairs found within the window). Such a
signal is re-run over the posts of [t0 − 3M, t1 + 2M] and replaces every pair whose earlier event
lies in [t0 − 2M, t1 + M] — wide enough for events that are pairs themselves — with keys that carry
the step number (a cluster id means nothing outside its run) and popularity counted within that
run. This is where the ledger can differ from a full run, which sees all posts at once: a template
whose copies span several steps counts as several keys, and pairs outside the zone are not revisited
when a later post changes a cluster or a name's uniqueness (see unmask.watch.incremental).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import ibis
from ibis import _

from unmask.engines.base import Engine
from unmask.signals.coaction import co_action_pairs
from unmask.signals.registry import PAIR_SIGNALS
from unmask.store import Store
from unmask.watch.scope import ScopedEngine

PER_POST = frozenset({"co_post", "co_reply", "co_link", "co_hashtag", "co_repost", "co_media"})
CLOCK_SLACK = timedelta(seconds=1)
LEDGER_COLUMNS = ("a", "b", "key", "post_a", "post_b", "ts_a", "ts_b")
_FIRST = "least(ts_a, ts_b)"


@dataclass(frozen=True)
class Span:
    """The time span of the new posts."""

    start: datetime
    end: datetime


def update_signal(
    store: Store,
    engine: Engine,
    name: str,
    *,
    window_s: int,
    span: Span,
    fresh: Engine,
    whole: bool,
    step: int,
    total_accounts: int,
) -> None:
    """Replace the signal's pairs the new posts can change; add the edges that changed to `_watch_changed`.

    `fresh` reads the new posts only; `whole` says that every post is new (the baseline step).
    """
    signal = PAIR_SIGNALS[name]
    margin = timedelta(seconds=window_s) + CLOCK_SLACK
    if name in PER_POST:
        zone = (span.start - margin, span.end)
        touched = engine.materialize(
            "_watch_touched_keys", signal.events(fresh, signal).select("key").distinct()
        )
        if not engine.to_arrow(touched.limit(1)).num_rows:
            return  # no new event: none of this signal's pairs can change
        window = _window(engine, zone[0], span.end + margin, whole)
        # Materialised before the semi-join: ibis folds a join onto a signal's own join chain otherwise.
        events = engine.materialize("_watch_window_events", signal.events(window, signal))
        events = engine.materialize("_watch_events", events.semi_join(touched, "key"))
        counted = signal.events(engine, signal).semi_join(touched, "key")
        replaced = (
            f"signal = $1 AND {_FIRST} BETWEEN $2 AND $3 AND key IN (SELECT key FROM _watch_touched_keys)"
        )
    else:
        zone = (span.start - 2 * margin, span.end + margin)
        window = _window(engine, span.start - 3 * margin, span.end + 2 * margin, whole)
        events = signal.events(window, signal)
        events = engine.materialize(
            "_watch_events", events.mutate(key=ibis.literal(f"{step}:").concat(events.key))
        )
        counted = events
        replaced = f"signal = $1 AND {_FIRST} BETWEEN $2 AND $3"
    engine.materialize("_watch_popularity", counted.group_by("key").aggregate(accounts=_.acct.nunique()))
    pairs = co_action_pairs(
        events, window_s=window_s, neighbors=signal.neighbors, total_accounts=total_accounts
    )
    first = ibis.least(pairs.ts_a, pairs.ts_b)
    engine.materialize("_watch_new_pairs", pairs.filter(first.between(*zone)).select(*LEDGER_COLUMNS))
    _apply(store, name, replaced, zone)


def _window(engine: Engine, start: datetime, end: datetime, whole: bool) -> Engine:
    """The engine over posts in [start, end] (the store's own table when every post is in play)."""
    if whole:
        return engine
    posts = engine.table("posts")
    return ScopedEngine(engine, "_watch_window_posts", posts.filter(posts.created_at.between(start, end)))


def _apply(store: Store, name: str, replaced: str, zone: tuple[datetime, datetime]) -> None:
    """Swap the replaced pairs for the new ones, refresh popularity, and note every edge touched."""
    con = store.con
    args = [name, *zone]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _watch_gone AS "
        f"SELECT DISTINCT key, a, b FROM watch_pairs WHERE {replaced}",
        args,
    )
    # Keys whose popularity moved: every pair on them changes weight, wherever it lies in time.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _watch_repriced AS
           SELECT p.key FROM _watch_popularity p
           LEFT JOIN (SELECT key, accounts FROM watch_keys WHERE signal = $1) k USING (key)
           WHERE k.accounts IS DISTINCT FROM p.accounts""",
        [name],
    )
    con.execute(f"DELETE FROM watch_pairs WHERE {replaced}", args)
    con.execute("INSERT INTO watch_pairs SELECT $1, * FROM _watch_new_pairs", [name])
    # Only keys that still have pairs keep a popularity row; recounted keys get their new count.
    con.execute(
        """DELETE FROM watch_keys WHERE signal = $1 AND (
               key IN (SELECT key FROM _watch_popularity)
               OR key IN (SELECT key FROM _watch_gone
                          EXCEPT SELECT key FROM watch_pairs WHERE signal = $1))""",
        [name],
    )
    con.execute(
        """INSERT INTO watch_keys SELECT $1, key, accounts FROM _watch_popularity
           WHERE key IN (SELECT key FROM watch_pairs WHERE signal = $1)""",
        [name],
    )
    con.execute(
        """INSERT INTO _watch_changed
           SELECT $1, a, b FROM _watch_gone
           UNION SELECT $1, a, b FROM _watch_new_pairs
           UNION SELECT $1, a, b FROM watch_pairs
                 WHERE signal = $1 AND key IN (SELECT key FROM _watch_repriced)""",
        [name],
    )
