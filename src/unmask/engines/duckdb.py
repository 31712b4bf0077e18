"""The embedded engine: ibis over the store's own DuckDB connection, temp tables for results."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from unmask.engines.base import BatchFn
from unmask.store import Store

_BATCH_ROWS = 100_000


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, store: Store) -> None:
        self.store = store
        self.ibis = ibis.duckdb.from_connection(store.con)

    def table(self, name: str) -> ir.Table:
        return self.ibis.table(name)

    def materialize(self, name: str, expr: ir.Table) -> ir.Table:
        return self.ibis.create_table(name, expr, temp=True, overwrite=True)

    def map_batches(self, name: str, expr: ir.Table, fn: BatchFn, schema: pa.Schema) -> ir.Table:
        # The input is fetched whole before writing: a DuckDB connection has one open result, so
        # streaming it while inserting would cut the stream short.
        source = self.ibis.to_pyarrow(expr)
        result = self.ibis.create_table(name, schema=ibis.schema(schema), temp=True, overwrite=True)
        for batch in source.to_batches(max_chunksize=_BATCH_ROWS):
            if batch.num_rows:
                self.ibis.insert(name, pa.Table.from_batches([fn(batch)], schema=schema))
        return result

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        return self.ibis.to_pyarrow(expr)
