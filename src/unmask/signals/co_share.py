"""Co-sharing: the same link, hashtag, reposted post or media item within the window.

Media references that are perceptual hashes (pHash, PDQ) are grouped by Hamming distance first
(signals/media_hash.py), so re-encoded copies of one image or video frame share a key; other
references (media keys, the anonymised phash ids of the German-election set) match exactly.
"""

from __future__ import annotations

import ibis.expr.types as ir

from unmask.engines.base import Engine
from unmask.signals.base import PairSignal, account_key
from unmask.signals.media_hash import near_media_events


def _list_events(engine: Engine, column: str, *, lower: bool = False) -> ir.Table:
    posts = engine.table("posts")
    exploded = posts.filter(posts[column].length() > 0).select(
        acct=account_key(posts), item=posts[column].unnest(), ts=posts.created_at, post_id=posts.post_id
    )
    item = exploded.item.lower() if lower else exploded.item
    return exploded.filter(exploded.item.notnull(), exploded.item != "").select(
        "acct", key=item, ts="ts", post_id="post_id"
    )


def co_link_events(engine: Engine, signal: PairSignal) -> ir.Table:
    return _list_events(engine, "urls")


def co_hashtag_events(engine: Engine, signal: PairSignal) -> ir.Table:
    return _list_events(engine, "hashtags", lower=True)


def co_media_events(engine: Engine, signal: PairSignal) -> ir.Table:
    return near_media_events(engine, _list_events(engine, "media"))


def co_repost_events(engine: Engine, signal: PairSignal) -> ir.Table:
    posts = engine.table("posts")
    reposts = posts.filter(posts.repost_of_post_id.notnull())
    return reposts.select(
        acct=account_key(reposts),
        key=reposts.repost_of_post_id,
        ts=reposts.created_at,
        post_id=reposts.post_id,
    )


CO_LINK = PairSignal("co_link", "the same link shared within the window", co_link_events, window_s=600)
CO_HASHTAG = PairSignal(
    "co_hashtag", "the same hashtag used within the window", co_hashtag_events, window_s=600
)
CO_MEDIA = PairSignal("co_media", "the same media item (perceptual hash) within the window", co_media_events)
CO_REPOST = PairSignal(
    "co_repost", "the same post reposted within the window", co_repost_events, window_s=600, neighbors=10
)
