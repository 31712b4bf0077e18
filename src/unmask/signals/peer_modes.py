"""Peer-compatible networks: what other coordination tools compute, on unmask's store.

The QUT coordination-network-toolkit's co-retweet network (its `compute_co_retweet_parallel`): a
directed edge A -> B weighs the number of A's reposts for which B reposted the same post within
`time_window` seconds either side; edges lighter than `min_edge_weight` are dropped. The toolkit
also counts every repost as matching itself, so each reposting account gets a loop; unmask leaves
loops out, as the toolkit's own export does by default. This is an all-pairs join per reposted post,
as in the toolkit, so it is meant for comparing tools on the same data, not for large stores (the
default `co_repost` signal bounds its pairs instead).
"""

from __future__ import annotations

import ibis.expr.types as ir
from ibis import _

from unmask.engines.base import Engine


def qut_co_retweet(engine: Engine, *, time_window: int, min_edge_weight: int = 1) -> ir.Table:
    """Directed co-retweet edges `source, target, weight` exactly as the toolkit weighs them."""
    posts = engine.table("posts")
    reposts = posts.filter(posts.repost_of_post_id.notnull()).select(
        "platform",
        user="account_id",
        message="post_id",
        original="repost_of_post_id",
        t=_.created_at.epoch_seconds(),
    )
    other = reposts.select(platform_b="platform", user_b="user", original_b="original", t_b="t")
    pairs = reposts.join(
        other,
        [
            reposts.platform == other.platform_b,
            reposts.original == other.original_b,
            other.t_b >= reposts.t - time_window,
            other.t_b <= reposts.t + time_window,
        ],
    ).filter(_.user != _.user_b)
    edges = pairs.group_by([_.user, _.user_b]).aggregate(weight=_.message.nunique())
    return edges.filter(_.weight >= min_edge_weight).select(source="user", target="user_b", weight="weight")
