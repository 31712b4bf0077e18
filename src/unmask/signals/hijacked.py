"""Hijacked accounts: a long silence, then a different language (an old account put to new use)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from unmask.engines.base import Engine
from unmask.signals.base import account_key
from unmask.signals.features import AccountFeature

MIN_DORMANCY_DAYS = 90
MIN_POSTS_EACH_SIDE = 2


def _dominant_language(posts: ir.Table) -> ir.Table:
    counted = posts.group_by(["acct", "side", "language"]).aggregate(n=_.count())
    return counted.group_by(["acct", "side"]).aggregate(language=_.language.argmax(_.n), n=_.n.sum())


def hijacked(engine: Engine) -> ir.Table:
    posts = engine.table("posts")
    timed = posts.select(
        acct=account_key(posts), ts=_.created_at, language=_.lang.coalesce(_.lang_detected, "und")
    )
    lagged = timed.mutate(
        gap=_.ts.epoch_seconds() - _.ts.lag().over(group_by=_.acct, order_by=_.ts).epoch_seconds()
    )
    biggest = (
        lagged.filter(_.gap.notnull()).group_by("acct").aggregate(gap=_.gap.max(), resumed=_.ts.argmax(_.gap))
    )
    long_gaps = biggest.filter(_.gap >= MIN_DORMANCY_DAYS * 86400)
    sided = timed.join(long_gaps, "acct").mutate(side=ibis.ifelse(_.ts < _.resumed, "before", "after"))
    langs = _dominant_language(sided)
    before = langs.filter(_.side == "before").select("acct", lang_before="language", n_before="n")
    after = langs.filter(_.side == "after").select("acct", lang_after="language", n_after="n")
    both = long_gaps.join(before, "acct").join(after, "acct")
    days = (both.gap / 86400).floor().cast("int64")
    return both.select(
        acct="acct",
        feature=ibis.literal("hijacked"),
        value=_.gap / 86400.0,
        flag=(_.lang_before != _.lang_after)
        & (_.n_before >= MIN_POSTS_EACH_SIDE)
        & (_.n_after >= MIN_POSTS_EACH_SIDE),
        detail=ibis.literal("silent for ").concat(
            days.cast("string"),
            " days until ",
            both.resumed.cast("string"),
            "; language ",
            both.lang_before,
            " before (",
            both.n_before.cast("string"),
            " posts), ",
            both.lang_after,
            " after (",
            both.n_after.cast("string"),
            " posts)",
        ),
    )


HIJACKED = AccountFeature("hijacked", "dormant for months, then active again in another language", hijacked)
