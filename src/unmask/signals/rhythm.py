"""Regular rhythm: posting at near-constant intervals, as schedulers do and people do not."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from unmask.engines.base import Engine
from unmask.signals.base import account_key
from unmask.signals.features import AccountFeature

MIN_POSTS = 10
MAX_VARIATION = 0.25  # coefficient of variation of the gaps between posts


def rhythm(engine: Engine) -> ir.Table:
    posts = engine.table("posts")
    timed = posts.select(acct=account_key(posts), ts=_.created_at)
    gaps = timed.mutate(
        gap=_.ts.epoch_seconds() - _.ts.lag().over(group_by=_.acct, order_by=_.ts).epoch_seconds()
    ).filter(_.gap.notnull())
    stats = gaps.group_by("acct").aggregate(n=_.count(), mean=_.gap.mean(), sd=_.gap.std(how="pop"))
    regular = stats.filter(_.n >= MIN_POSTS - 1, _.mean > 0).mutate(cv=_.sd / _.mean)
    return regular.select(
        acct="acct",
        feature=ibis.literal("rhythm"),
        value=1.0 - ibis.least(_.cv, 1.0),
        flag=_.cv <= MAX_VARIATION,
        detail=ibis.literal("gaps between posts vary by ").concat(
            (regular.cv * 100).round(0).cast("int64").cast("string"),
            "% around ",
            (regular.mean / 60).round(0).cast("int64").cast("string"),
            " minutes",
        ),
    )


RHYTHM = AccountFeature("rhythm", "posts at near-constant intervals (gap variation at most 25%)", rhythm)
