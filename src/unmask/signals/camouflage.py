"""Camouflage: generic filler (scenery, quotes, greetings) that the same texts fill across accounts.

Operators pad their accounts with harmless originals so that a profile looks lived-in; the filler
comes from a shared stock, so the same normalised text appears as an original post of several
accounts. An account whose originals are largely such shared stock is flagged. It is evidence shown
with an account, not one of the strong flags a campaign needs (campaigns/score.py): fans also
repeat slogans.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from unmask.engines.base import Engine
from unmask.signals.base import account_key
from unmask.signals.features import AccountFeature

MIN_CHARS = 15  # shorter texts ("good morning") are shared by chance
MIN_SPREADERS = 3  # accounts posting one text for it to count as shared stock
MIN_SHARED_POSTS = 3
MIN_SHARE = 0.3


def camouflage(engine: Engine) -> ir.Table:
    posts = engine.table("posts")
    originals = posts.filter(
        posts.reply_to_post_id.isnull(),
        posts.repost_of_post_id.isnull(),
        posts.text_norm.length() >= MIN_CHARS,
    ).select(acct=account_key(posts), text_norm=posts.text_norm)
    stock = (
        originals.group_by("text_norm")
        .aggregate(spreaders=_.acct.nunique())
        .filter(_.spreaders >= MIN_SPREADERS)
        .select("text_norm", shared=ibis.literal(1))
    )
    per_account = (
        originals.left_join(stock, "text_norm")
        .group_by("acct")
        .aggregate(originals=_.acct.count(), shared=_.shared.coalesce(0).sum())
    )
    share = per_account.shared / per_account.originals
    return per_account.select(
        "acct",
        feature=ibis.literal("camouflage"),
        value=share,
        flag=(per_account.shared >= MIN_SHARED_POSTS) & (share >= MIN_SHARE),
        detail=per_account.shared.cast("string").concat(
            " of ", per_account.originals.cast("string"), " originals are texts 3+ accounts posted"
        ),
    )


CAMOUFLAGE = AccountFeature(
    "camouflage", "most originals are stock texts that several accounts post", camouflage
)
