"""An engine whose `posts` table is a slice of the store's: signals run unchanged over part of the data."""

from __future__ import annotations

import ibis.expr.types as ir
import pyarrow as pa

from unmask.engines.base import BatchFn, Engine
from unmask.signals.base import account_key


class ScopedEngine:
    """Delegates to `base`, except that `table("posts")` is the slice `posts`, kept as temp table `name`.

    Every signal and feature reads posts through `engine.table("posts")`, so running one on a
    ScopedEngine runs it over the slice — a time window, or the posts of some accounts — and nothing
    else about it changes. The slice is materialised so that signals see a plain table, as in a full
    run (ibis cannot always chain a signal's own joins onto a filtered relation).
    """

    def __init__(self, base: Engine, name: str, posts: ir.Table) -> None:
        self.base = base
        self.name = base.name
        self.posts = base.materialize(name, posts)

    def table(self, name: str) -> ir.Table:
        return self.posts if name == "posts" else self.base.table(name)

    def materialize(self, name: str, expr: ir.Table) -> ir.Table:
        return self.base.materialize(name, expr)

    def map_batches(self, name: str, expr: ir.Table, fn: BatchFn, schema: pa.Schema) -> ir.Table:
        return self.base.map_batches(name, expr, fn, schema)

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        return self.base.to_arrow(expr)


def posts_of(engine: Engine, accounts: str) -> ir.Table:
    """The posts of the accounts (`platform:account_id`) listed in table `accounts`, column `acct`."""
    posts = engine.table("posts")
    listed = engine.table(accounts)
    keyed = posts.mutate(_acct=account_key(posts))
    return keyed.semi_join(listed, keyed._acct == listed.acct).drop("_acct")
