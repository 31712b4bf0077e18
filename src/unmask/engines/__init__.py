"""Where the relational steps run: the embedded DuckDB engine, or Apache Spark (lazy import)."""

from unmask.engines.base import Engine

__all__ = ["Engine"]
