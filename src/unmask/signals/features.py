"""What a per-account feature is: a name and an expression giving `acct, value, flag, detail`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir

from unmask.engines.base import Engine

FEATURE_COLUMNS = ("acct", "feature", "value", "flag", "detail")


@dataclass(frozen=True)
class AccountFeature:
    """`compute` returns one row per account it can judge: value (larger = more suspect), flag, detail."""

    name: str
    description: str
    compute: Callable[[Engine], ir.Table]
