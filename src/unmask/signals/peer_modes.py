"""Peer-compatible networks: what other coordination tools compute, on unmask's store.

These are all-pairs joins per shared object, as in the tools themselves: they are meant for
comparing tools on the same data, not for large stores (the default co-share signals bound their
pairs instead).

The QUT coordination-network-toolkit's co-retweet network (its `compute_co_retweet_parallel`): a
directed edge A -> B weighs the number of A's reposts for which B reposted the same post within
`time_window` seconds either side; edges lighter than `min_edge_weight` are dropped. The toolkit
also counts every repost as matching itself, so each reposting account gets a loop; unmask leaves
loops out, as the toolkit's own export does by default.

CooRTweet (2.1.3) works in two steps. `detect_groups` pairs the shares of one object within
`time_window` seconds (both sides inclusive) after dropping accounts with fewer than
`min_participation` shares, removes loops, then keeps a pair when the account of either side has at
least `min_participation` shares among the paired posts. `generate_coordinated_network` counts the
pairs of each account pair (weight), averages their time gaps, counts distinct older and newer posts,
and marks edges heavier than the `edge_weight` quantile (R's default, linear interpolation) of all
weights. Both steps are reproduced here column for column.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from unmask.engines.base import Engine
from unmask.errors import InputError

# What CooRTweet's object_id can stand for: the reposted post, or an item of a post's list column.
COORTWEET_OBJECTS = ("repost", "urls", "domains", "hashtags", "media")


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


def coortweet_shares(engine: Engine, objects: str, *, platform: str | None = None) -> ir.Table:
    """CooRTweet's input (`object_id, account_id, content_id, timestamp_share`) read from posts.

    One row per distinct (object, account, post, time), as its vignette prepares the German set.
    A reposted post is an object of its platform only (`scope`); links, hashtags and media items
    are shared across platforms. `row` is the row's place in detect_groups' grouped table
    (accounts in order of first appearance in the file, then file order): it decides which post
    of a same-second pair counts as the older one.
    """
    if objects not in COORTWEET_OBJECTS:
        raise InputError(f"CooRTweet objects must be one of {', '.join(COORTWEET_OBJECTS)}, not {objects!r}")
    posts = engine.table("posts")
    if platform is not None:
        posts = posts.filter(posts.platform == platform)
    if objects == "repost":
        posts = posts.filter(posts.repost_of_post_id.notnull())
        scope, object_id = posts.platform, posts.repost_of_post_id
    else:
        posts = posts.filter(posts[objects].length() > 0)
        scope, object_id = ibis.literal(""), posts[objects].unnest()
    shares = posts.select(
        scope=scope,
        object_id=object_id,
        account_id=posts.account_id,
        content_id=posts.post_id,
        timestamp_share=posts.created_at.epoch_seconds(),
        record=posts.source_record,
    ).distinct()
    first = ibis.row_number().over(order_by=[_.first_record, _.account_id, _.record, _.content_id])
    return (
        shares.mutate(first_record=_.record.min().over(group_by=_.account_id))
        .mutate(row=first)
        .drop("first_record", "record")
    )


def coortweet_detect_groups(shares: ir.Table, *, time_window: int, min_participation: int = 2) -> ir.Table:
    """CooRTweet's `detect_groups` (remove_loops = TRUE): coordinated share pairs, older post first.

    Columns as CooRTweet's: object_id, content_id, content_id_y, time_delta, account_id, account_id_y.
    """
    counts = shares.group_by("account_id").aggregate(n=_.count())
    x = shares.semi_join(counts.filter(_.n >= min_participation), "account_id")
    y = x.select(
        scope_y="scope",
        object_y="object_id",
        account_id_y="account_id",
        content_id_y="content_id",
        t_y="timestamp_share",
        row_y="row",
    )
    pairs = x.join(
        y,
        [
            x.scope == y.scope_y,
            x.object_id == y.object_y,
            x.row < y.row_y,
            y.t_y >= x.timestamp_share - time_window,
            y.t_y <= x.timestamp_share + time_window,
        ],
    ).filter(_.content_id != _.content_id_y, _.account_id != _.account_id_y)
    if min_participation >= 1:
        paired = pairs.select(content="content_id").union(pairs.select(content="content_id_y"))
        in_pairs = x.semi_join(paired, x.content_id == paired.content)
        active = in_pairs.group_by("account_id").aggregate(n=_.count()).filter(_.n >= min_participation)
        kept = in_pairs.semi_join(active, "account_id").select(kept="content_id").distinct()
        pairs = pairs.filter(_.content_id.isin(kept.kept) | _.content_id_y.isin(kept.kept))
    newer_first = pairs.timestamp_share > pairs.t_y
    return pairs.select(
        object_id="object_id",
        content_id=ibis.ifelse(newer_first, _.content_id_y, _.content_id),
        content_id_y=ibis.ifelse(newer_first, _.content_id, _.content_id_y),
        time_delta=(_.timestamp_share - _.t_y).abs(),
        account_id=ibis.ifelse(newer_first, _.account_id_y, _.account_id),
        account_id_y=ibis.ifelse(newer_first, _.account_id, _.account_id_y),
    )


def coortweet_network(groups: ir.Table, *, edge_weight: float = 0.5) -> ir.Table:
    """CooRTweet's `generate_coordinated_network` (no fast net, no subgraph) as an edge table.

    Columns: source, target (the pair's lesser and greater account id), weight, avg_time_delta,
    n_content_id, n_content_id_y, edge_symmetry_score, weight_threshold (1 when the weight exceeds
    the `edge_weight` quantile of all weights). `groups` may unite several detect_groups results
    (CooRTweet's multimodal network).
    """
    if not 0 <= edge_weight <= 1:
        raise InputError(f"edge_weight is a quantile between 0 and 1, not {edge_weight}")
    ordered = groups.mutate(
        source=ibis.least(_.account_id, _.account_id_y), target=ibis.greatest(_.account_id, _.account_id_y)
    )
    edges = ordered.group_by(["source", "target"]).aggregate(
        weight=_.count(),
        avg_time_delta=_.time_delta.mean(),
        n_content_id=_.content_id.nunique(),
        n_content_id_y=_.content_id_y.nunique(),
    )
    threshold = _.weight.cast("float64").quantile(edge_weight).over()
    return edges.mutate(
        edge_symmetry_score=ibis.least(_.n_content_id, _.n_content_id_y).cast("float64")
        / ibis.greatest(_.n_content_id, _.n_content_id_y),
        weight_threshold=(_.weight > threshold).cast("int8"),
    )
