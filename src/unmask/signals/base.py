"""What a pairwise signal is: a name, how to read its events from posts, and its default parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir

from unmask.engines.base import Engine

EventsFn = Callable[[Engine, "PairSignal"], ir.Table]


@dataclass(frozen=True)
class PairSignal:
    """A co-action signal. `events` returns `acct, key, ts, post_id` rows; coaction pairs them.

    window_s is a time window in seconds: at least 60, since some exports (the IO archive) keep
    minutes only. neighbors bounds the pairs per event (see unmask.signals.coaction).
    """

    name: str
    description: str
    events: EventsFn
    window_s: int = 3600
    neighbors: int = 10
    min_chars: int = 25  # shortest folded text that text signals consider ("Thank you!" is not a template)


def account_key(posts: ir.Table) -> ir.Value:
    """Accounts are keyed `platform:account_id` inside a run; outputs split it back."""
    return posts.platform.concat(":", posts.account_id)
