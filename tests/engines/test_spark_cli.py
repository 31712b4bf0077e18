"""`unmask detect --engine spark` over the Parquet hand-off writes what the DuckDB engine writes."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from unmask.store import Store

pytestmark = pytest.mark.spark
UNMASK = [str(Path(sys.executable).parent / "unmask")]


def flagged(out: Path) -> dict[tuple[str, str], str]:
    with (out / "accounts.csv").open(newline="") as handle:
        return {(r["platform"], r["account_id"]): r["campaign_id"] for r in csv.DictReader(handle)}


def test_spark_engine_from_the_command_line(planted: Store, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH (Spark needs Java 17)")
    db = planted.path
    planted.close()
    run = lambda *args: subprocess.run([*UNMASK, *args], capture_output=True, text=True, timeout=600)  # noqa: E731
    assert run("export-parquet", "--db", str(db), "--out", str(tmp_path / "pq")).returncode == 0
    duck = run("detect", "--db", str(db), "--out", str(tmp_path / "duckdb"), "--quiet")
    spark = run(
        "detect", "--engine", "spark", "--master", "local[2]", "--input", str(tmp_path / "pq"),
        "--out", str(tmp_path / "spark"), "--quiet",
    )  # fmt: skip
    assert duck.returncode == 0 and spark.returncode == 0, spark.stderr[-2000:]
    assert flagged(tmp_path / "duckdb") and flagged(tmp_path / "spark") == flagged(tmp_path / "duckdb")
    missing = run("detect", "--engine", "spark", "--input", str(tmp_path / "nowhere"), "--out", str(tmp_path))
    assert missing.returncode == 2 and "export-parquet" in missing.stdout + missing.stderr
