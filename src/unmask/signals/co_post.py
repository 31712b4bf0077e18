"""Co-posting: the same text, after folding, from different accounts within the window."""

from __future__ import annotations

import ibis.expr.types as ir

from unmask.engines.base import Engine
from unmask.signals.base import PairSignal, account_key


def original_texts(engine: Engine, min_chars: int) -> ir.Table:
    """Posts that carry their own words (not reposts) and are long enough to be a template."""
    posts = engine.table("posts")
    return posts.filter(posts.repost_of_post_id.isnull(), posts.text_norm.length() >= min_chars)


def co_post_events(engine: Engine, signal: PairSignal) -> ir.Table:
    posts = original_texts(engine, signal.min_chars)
    return posts.select(
        acct=account_key(posts), key=posts.text_norm, ts=posts.created_at, post_id=posts.post_id
    )


CO_POST = PairSignal(
    name="co_post",
    description="identical text (after folding case, links, mentions, emoji, digits, punctuation)",
    events=co_post_events,
)
