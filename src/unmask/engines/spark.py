"""The distributed engine: the same ibis expressions on Apache Spark (pyspark, an optional extra).

Tables are Spark temp views, cached when materialised; per-batch Python maps run on the executors
with `mapInArrow`, so MinHash signatures and embeddings are computed by the same functions as on
DuckDB. Community detection stays on the driver (igraph/leiden): the fused account graph is small
after edges are thresholded (see docs in bench/RESULTS.md for where that line is).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from unmask.engines.base import BatchFn
from unmask.store.schema import ACCOUNT_COLUMNS, POST_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

CANONICAL = {"posts": list(POST_COLUMNS), "accounts": list(ACCOUNT_COLUMNS)}


def spark_session(master: str = "local[*]", *, driver_memory: str | None = None) -> SparkSession:
    """A session with UTC time, few shuffle partitions for local runs, and no UI.

    Python workers run this very interpreter (the one with unmask installed), not whatever `python3`
    comes first on PATH. `driver_memory` (e.g. "8g") sizes the driver JVM, which in local mode also
    runs the executors: Spark's 1g default is too small for 10M posts.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    if driver_memory:
        builder = builder.config("spark.driver.memory", driver_memory)
    return (
        builder.master(master)
        .config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"])
        .appName("unmask")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4" if master.startswith("local") else "200")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )


class SparkEngine:
    name = "spark"

    def __init__(self, session: SparkSession, input_dir: Path) -> None:
        self.session = session
        self.ibis = ibis.pyspark.connect(session)
        for table, columns in CANONICAL.items():
            frame = session.read.parquet(str(input_dir / table)).select(*columns)
            frame.createOrReplaceTempView(table)

    def table(self, name: str) -> ir.Table:
        return self.ibis.table(name)

    def materialize(self, name: str, expr: ir.Table) -> ir.Table:
        table = self.ibis.create_view(name, expr, overwrite=True)
        self.session.catalog.cacheTable(name)
        return table

    def map_batches(self, name: str, expr: ir.Table, fn: BatchFn, schema: pa.Schema) -> ir.Table:
        from pyspark.sql.pandas.types import from_arrow_schema

        self.materialize(f"{name}_input", expr)
        frame = self.session.table(f"{name}_input").mapInArrow(
            lambda batches: (fn(batch) for batch in batches), from_arrow_schema(schema)
        )
        frame.createOrReplaceTempView(name)
        self.session.catalog.cacheTable(name)
        return self.ibis.table(name)

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        return self.ibis.to_pyarrow(expr)
