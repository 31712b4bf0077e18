"""Thin profiles: no bio, hardly any followers — cheap to make, typical of throwaway accounts."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from unmask.engines.base import Engine
from unmask.signals.base import account_key
from unmask.signals.features import AccountFeature

MAX_FOLLOWERS = 10


def thin_profile(engine: Engine) -> ir.Table:
    accounts = engine.table("accounts")
    known = accounts.filter(_.followers.notnull() | _.bio.notnull())
    no_bio = known.bio.isnull() | (known.bio.strip() == "")
    few = known.followers.coalesce(0) <= MAX_FOLLOWERS
    return known.select(
        acct=account_key(known),
        feature=ibis.literal("thin_profile"),
        value=no_bio.cast("float64") + few.cast("float64"),
        flag=no_bio & few,
        detail=ibis.literal("bio ").concat(
            ibis.ifelse(no_bio, "empty", "present"),
            ", ",
            known.followers.coalesce(0).cast("string"),
            " followers",
        ),
    )


THIN_PROFILE = AccountFeature("thin_profile", "empty bio and at most 10 followers", thin_profile)
