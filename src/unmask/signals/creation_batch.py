"""Creation-date batches: many accounts registered on one day, far above the days around it."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from unmask.engines.base import Engine
from unmask.signals.base import account_key
from unmask.signals.features import AccountFeature

NEIGHBOURHOOD_DAYS = 30
MIN_BATCH = 5
MIN_RATIO = 3.0


def creation_batch(engine: Engine) -> ir.Table:
    accounts = engine.table("accounts").filter(_.created_at.notnull())
    dated = accounts.select(acct=account_key(accounts), platform=_.platform, day=_.created_at.date())
    per_day = dated.group_by(["platform", "day"]).aggregate(n=_.count())
    around = per_day.view().select(platform_r="platform", day_r="day", n_r="n")
    baseline = (
        per_day.join(
            around,
            [
                per_day.platform == around.platform_r,
                per_day.day != around.day_r,
                per_day.day.delta(around.day_r, unit="day").abs() <= NEIGHBOURHOOD_DAYS,
            ],
            how="left",
        )
        .group_by(["platform", "day", "n"])
        .aggregate(around_total=_.n_r.sum().coalesce(0))
        .mutate(baseline=ibis.greatest(_.around_total.cast("float64") / (2 * NEIGHBOURHOOD_DAYS), 1.0))
        .mutate(ratio=_.n.cast("float64") / _.baseline)
    )
    scored = dated.join(baseline, ["platform", "day"])
    return scored.select(
        acct="acct",
        feature=ibis.literal("creation_batch"),
        value=_.ratio,
        flag=(_.n >= MIN_BATCH) & (_.ratio >= MIN_RATIO),
        detail=ibis.literal("created with ").concat(
            (scored.n - 1).cast("string"),
            " other accounts on ",
            scored.day.cast("string"),
            " (",
            scored.ratio.round(1).cast("string"),
            "x the usual daily rate)",
        ),
    )


CREATION_BATCH = AccountFeature(
    "creation_batch",
    "registered in a batch of accounts on one day, far above the usual daily rate",
    creation_batch,
)
