"""The co-action primitive under every pairwise signal: two accounts doing the same thing close in time.

Input events have columns `acct, key, ts, post_id`: an account acted on a key (a text, a template, a
link, a target) at a time. Two events pair when they share the key, come from different accounts and
lie within `window_s` seconds. To stay near-linear, events of a key are ranked by time and each event
is joined only with its next `neighbors` events (an equi-join on rank + offset), never all pairs of a
key: a key with n events yields at most n·neighbors pairs.

Each pair is weighted by how unusual the key is (inverse popularity, as in the OSoMe coordination
work): log(accounts / accounts acting on the key). A thousand fans under one post give many pairs,
each nearly worthless; two accounts meeting on rare keys again and again add up.

Keys that only one account acted on are dropped before ranking: most texts and links are posted
once, and they can never pair.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

PAIR_COLUMNS = ("a", "b", "key", "post_a", "post_b", "ts_a", "ts_b", "w")


def co_action_pairs(events: ir.Table, *, window_s: int, neighbors: int, total_accounts: int) -> ir.Table:
    """Pairs of events on one key within the window, with a < b and an inverse-popularity weight."""
    popularity = events.group_by("key").aggregate(key_accounts=_.acct.nunique())
    shared = events.view().join(popularity.filter(_.key_accounts >= 2).view(), "key")
    ranked = shared.mutate(
        rn=ibis.row_number().over(group_by=_.key, order_by=[_.ts, _.post_id]),
        epoch=_.ts.epoch_seconds(),
    )
    offsets = ibis.memtable({"d": list(range(1, neighbors + 1))})
    left = ranked.cross_join(offsets).mutate(rn_next=_.rn + _.d)
    right = ranked.select(key_r=_.key, rn_r=_.rn, acct_r=_.acct, post_r=_.post_id, ts_r=_.ts, epoch_r=_.epoch)
    joined = left.join(right, [left.key == right.key_r, left.rn_next == right.rn_r]).filter(
        (_.epoch_r - _.epoch) <= window_s, _.acct != _.acct_r
    )
    swap = joined.acct > joined.acct_r
    weight = -(_.key_accounts.cast("float64") / float(max(total_accounts, 2))).ln()
    pairs = joined.select(
        a=ibis.ifelse(swap, _.acct_r, _.acct),
        b=ibis.ifelse(swap, _.acct, _.acct_r),
        key=_.key,
        post_a=ibis.ifelse(swap, _.post_r, _.post_id),
        post_b=ibis.ifelse(swap, _.post_id, _.post_r),
        ts_a=ibis.ifelse(swap, _.ts_r, _.ts),
        ts_b=ibis.ifelse(swap, _.ts, _.ts_r),
        w=weight,
    )
    return pairs.select(*PAIR_COLUMNS)


def pairs_to_edges(pairs: ir.Table, signal: str, *, min_actions: int = 1) -> ir.Table:
    """One edge per account pair with at least `min_actions` distinct co-actions: summed weight,
    distinct keys, distinct co-actions, time span.

    Most account pairs meet once; they are dropped on a plain count before the distinct counts,
    which are the costly part (at 10M posts a signal has ~50M pairs and ~1% of them repeat).
    """
    if min_actions > 1:
        repeated = pairs.group_by(["a", "b"]).aggregate(n=_.count()).filter(_.n >= min_actions)
        pairs = pairs.semi_join(repeated.view(), ["a", "b"])
    edges = pairs.group_by(["a", "b"]).aggregate(
        signal=ibis.literal(signal),
        weight=_.w.sum(),
        keys=_.key.nunique(),
        actions=ibis.least(_.post_a.nunique(), _.post_b.nunique()),
        first_ts=_.ts_a.min(),
        last_ts=_.ts_b.max(),
    )
    return edges.filter(_.actions >= min_actions)
