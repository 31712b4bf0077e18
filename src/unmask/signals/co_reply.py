"""Co-reply targeting: replying to the same person within the window, weighted by how rare that is."""

from __future__ import annotations

import ibis.expr.types as ir

from unmask.engines.base import Engine
from unmask.signals.base import PairSignal, account_key


def co_reply_events(engine: Engine, signal: PairSignal) -> ir.Table:
    posts = engine.table("posts")
    replies = posts.filter(posts.reply_to_account_id.notnull(), posts.reply_to_account_id != posts.account_id)
    return replies.select(
        acct=account_key(replies),
        key=replies.platform.concat(":", replies.reply_to_account_id),
        ts=replies.created_at,
        post_id=replies.post_id,
    )


CO_REPLY = PairSignal(
    name="co_reply",
    description="replies to the same targeted account within the window (inverse-popularity weighted)",
    events=co_reply_events,
)
