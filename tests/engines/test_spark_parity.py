"""The Spark engine and the DuckDB engine flag the same accounts and campaigns on the same data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from unmask.campaigns.detect import run_detection
from unmask.engines.duckdb import DuckDBEngine
from unmask.store import Store
from unmask.store.parquet import export_parquet

pytestmark = pytest.mark.spark


def _spark_available() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install '.[spark]')"
    if shutil.which("java") is None:
        return "no Java runtime on PATH (Spark needs Java 17)"
    return None


@pytest.fixture(scope="module")
def spark():
    reason = _spark_available()
    if reason:
        pytest.skip(reason)
    from unmask.engines.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def test_same_campaigns_on_both_engines(planted: Store, tmp_path: Path, spark) -> None:
    from unmask.engines.spark import SparkEngine

    parquet = tmp_path / "parquet"
    export_parquet(planted, parquet)
    on_duckdb = run_detection(DuckDBEngine(planted))
    on_spark = run_detection(SparkEngine(spark, parquet))
    flagged_duckdb = {m.acct for c in on_duckdb.campaigns for m in c.members}
    flagged_spark = {m.acct for c in on_spark.campaigns for m in c.members}
    assert flagged_duckdb
    assert len(flagged_duckdb & flagged_spark) / len(flagged_duckdb | flagged_spark) >= 0.99
    assert [sorted(c.accounts) for c in on_duckdb.campaigns] == [
        sorted(c.accounts) for c in on_spark.campaigns
    ]
    assert [c.score for c in on_duckdb.campaigns] == [c.score for c in on_spark.campaigns]


def test_export_parquet_partitions_by_platform_and_day(planted: Store, tmp_path: Path) -> None:
    written = export_parquet(planted, tmp_path / "out")
    days = list(written["posts"].glob("platform=x/day=*"))
    assert (
        len(days)
        == planted.con.execute("SELECT count(DISTINCT CAST(created_at AS DATE)) FROM posts").fetchone()[0]
    )
    import duckdb

    count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{written['posts']}/**/*.parquet')").fetchone()[0]
    assert count == planted.con.execute("SELECT count(*) FROM posts").fetchone()[0]
