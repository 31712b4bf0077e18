"""The engine boundary: signals are ibis expressions plus per-batch Python maps; engines run them.

A signal never talks to DuckDB or Spark directly. It asks the engine for the canonical tables,
builds ibis expressions, and calls `materialize` where a result is reused, or `map_batches` where a
step is a per-row Python function (MinHash signatures, embeddings) that both engines run with the
same code. That is the whole surface a new engine has to implement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import ibis.expr.types as ir
import pyarrow as pa

BatchFn = Callable[[pa.RecordBatch], pa.RecordBatch]


class Engine(Protocol):
    name: str

    def table(self, name: str) -> ir.Table:
        """A canonical table (`posts`, `accounts`) or one materialised earlier in the run."""
        ...

    def materialize(self, name: str, expr: ir.Table) -> ir.Table:
        """Compute `expr` once, keep it under `name` for the rest of the run, and return it."""
        ...

    def map_batches(self, name: str, expr: ir.Table, fn: BatchFn, schema: pa.Schema) -> ir.Table:
        """Apply `fn` to every Arrow batch of `expr`; keep the result under `name`."""
        ...

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Bring a (small) result to the driver."""
        ...
