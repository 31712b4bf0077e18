"""`unmask detect`: run every signal, fuse, find and score campaigns, summarise, store atomically."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import ibis
import pyarrow as pa
from ibis import _

from unmask.campaigns.amplifiers import add_amplifiers
from unmask.campaigns.fuse import MIN_ACTIONS, fuse
from unmask.campaigns.results import write_results
from unmask.campaigns.score import CampaignScore, score_communities
from unmask.campaigns.summary import summarise_all
from unmask.engines.base import Engine
from unmask.engines.duckdb import DuckDBEngine
from unmask.errors import InputError
from unmask.signals.coaction import co_action_pairs, pairs_to_edges
from unmask.signals.features import FEATURE_COLUMNS
from unmask.signals.registry import ACCOUNT_FEATURES, PAIR_SIGNALS
from unmask.store import Store
from unmask.store.db import set_memory_limit

EVIDENCE_PER_EDGE = 10


@dataclass(frozen=True)
class DetectConfig:
    """Defaults meant to hold across data sets; each is documented where it is used."""

    signals: tuple[str, ...] = tuple(PAIR_SIGNALS)
    features: tuple[str, ...] = tuple(ACCOUNT_FEATURES)
    windows: dict[str, int] = field(default_factory=dict)  # per-signal window override, seconds
    min_actions: int = MIN_ACTIONS
    min_campaign_size: int = 5
    min_score: float = 0.5
    resolution: float = 1.0


@dataclass
class DetectResult:
    campaigns: list[CampaignScore]
    summaries: dict[str, dict]
    seconds: dict[str, float]


Progress = Callable[[str], None]


def _pair_signal_edges(engine: Engine, config: DetectConfig, total_accounts: int, step: Progress) -> pa.Table:
    """Run every pair signal; keep edges with enough co-actions and their evidence in temp tables."""
    edge_tables = []
    evidence_tables = []
    for name in config.signals:
        step(name)
        signal = PAIR_SIGNALS[name]
        window = config.windows.get(name, signal.window_s)
        events = signal.events(engine, signal)
        pairs = engine.materialize(
            f"_pairs_{name}",
            co_action_pairs(
                events, window_s=window, neighbors=signal.neighbors, total_accounts=total_accounts
            ),
        )
        edges = engine.materialize(
            f"_edges_{name}", pairs_to_edges(pairs, name, min_actions=config.min_actions)
        )
        ranked = pairs.semi_join(edges, ["a", "b"]).mutate(
            rank=ibis.row_number().over(group_by=[_.a, _.b], order_by=[_.ts_a, _.post_a, _.post_b])
        )
        evidence = ranked.filter(_.rank < EVIDENCE_PER_EDGE).select(
            signal=ibis.literal(name),
            a="a",
            b="b",
            key="key",
            post_a="post_a",
            post_b="post_b",
            ts_a="ts_a",
            ts_b="ts_b",
        )
        edge_tables.append(edges)
        evidence_tables.append(evidence)
    engine.materialize("_run_edges", ibis.union(*edge_tables))
    engine.materialize("_run_evidence", ibis.union(*evidence_tables))
    return engine.to_arrow(engine.table("_run_edges"))


def _account_features(engine: Engine, config: DetectConfig, step: Progress) -> pa.Table:
    tables = []
    for name in config.features:
        step(name)
        tables.append(ACCOUNT_FEATURES[name].compute(engine).select(*FEATURE_COLUMNS))
    engine.materialize("_run_features", ibis.union(*tables))
    return engine.to_arrow(engine.table("_run_features"))


def run_detection(
    engine: Engine, config: DetectConfig | None = None, *, progress: Progress | None = None
) -> DetectResult:
    """Detect campaigns with any engine; edges, evidence and features stay in the engine (`_run_*`)."""
    config = config or DetectConfig()
    step = progress or (lambda _name: None)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    total_accounts = _count(engine, "accounts")
    edges = _pair_signal_edges(engine, config, total_accounts, step)
    seconds["signals"] = time.perf_counter() - clock
    features = _account_features(engine, config, step)
    seconds["features"] = time.perf_counter() - clock - seconds["signals"]
    step("fusion")
    fused = fuse(edges, min_actions=config.min_actions, resolution=config.resolution)
    step("scoring")
    scores = score_communities(
        engine,
        fused,
        features,
        total_accounts=total_accounts,
        min_size=config.min_campaign_size,
        min_score=config.min_score,
    )
    step("amplifiers")
    add_amplifiers(engine, scores)
    step("summaries")
    summaries = summarise_all(engine, scores)
    seconds["campaigns"] = time.perf_counter() - clock - seconds["signals"] - seconds["features"]
    seconds["total"] = time.perf_counter() - clock
    return DetectResult(campaigns=scores, summaries=summaries, seconds=seconds)


def _count(engine: Engine, table: str) -> int:
    return int(engine.to_arrow(engine.table(table).aggregate(n=_.count()))["n"][0].as_py())


def detect(
    store: Store,
    config: DetectConfig | None = None,
    *,
    progress: Progress | None = None,
    memory_limit: str | None = None,
) -> DetectResult:
    """Detect campaigns in the store and replace the stored results with this run's, atomically.

    DuckDB is capped at `memory_limit` (default: half the machine's memory) and spills past it: its
    own default, 80 %, plus the Python side (edge lists, the account graph) came near the whole
    machine at 10M posts, where a 12 GB cap ran at 14.2 GB peak in about the same time.
    """
    config = config or DetectConfig()
    set_memory_limit(store.con, memory_limit or default_memory_limit())
    engine = DuckDBEngine(store)
    started = datetime.now(UTC).replace(tzinfo=None)
    result = run_detection(engine, config, progress=progress)
    write_results(
        store,
        result.campaigns,
        result.summaries,
        run=dict(
            engine=engine.name,
            started_at=started,
            finished_at=datetime.now(UTC).replace(tzinfo=None),
            posts=_count(engine, "posts"),
            accounts=_count(engine, "accounts"),
            params=json.dumps(asdict(config), sort_keys=True),
        ),
    )
    return result


def default_memory_limit() -> str:
    """Half of the machine's physical memory, as a DuckDB size."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(total // 2 // 2**20, 256)}MiB"


def detect_parquet(
    input_dir: Path,
    *,
    master: str = "local[*]",
    driver_memory: str | None = None,
    config: DetectConfig | None = None,
    progress: Progress | None = None,
) -> DetectResult:
    """Detect campaigns on Apache Spark over the Parquet hand-off of `unmask export-parquet`.

    The results are returned (for accounts.csv and campaigns.json), not stored: the input is a
    folder a cluster reads, not a store.
    """
    from unmask.engines.spark import SparkEngine, spark_session

    for table in ("posts", "accounts"):
        if not (input_dir / table).is_dir():
            raise InputError(f"{input_dir}: no {table}/ folder; write one with `unmask export-parquet`")
    session = spark_session(master, driver_memory=driver_memory)
    try:
        return run_detection(SparkEngine(session, input_dir), config, progress=progress)
    finally:
        session.stop()
