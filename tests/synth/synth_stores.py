"""A generated scenario ingested into a store by auto-detection, as an analyst would load its exports."""

from __future__ import annotations

from pathlib import Path

from unmask.campaigns.detect import detect
from unmask.campaigns.evaluate import read_truth
from unmask.ingest.pipeline import ingest_paths
from unmask.store import Store, open_store
from unmask.synth import SynthSummary, generate


def export_files(summary: SynthSummary) -> list[Path]:
    """Every file the scenario wrote except its truth."""
    return [path for name, path in summary.files.items() if name != "truth"]


def ingested(
    out: Path, platforms: tuple[str, ...], *, seed: int, posts: int = 20_000
) -> tuple[SynthSummary, Store]:
    """generate() on `platforms` into `out`, then every export ingested into `out/unmask.duckdb`."""
    summary = generate(out, posts=posts, seed=seed, platforms=",".join(platforms))
    store = open_store(out / "unmask.duckdb")
    ingest_paths(store, export_files(summary))
    return summary, store


def detected_across(out: Path, platforms: tuple[str, ...]) -> tuple[Store, dict, list[dict]]:
    """The pinned 60k scenario (seed 1) on `platforms`, ingested and detected with defaults:
    the store, the truth labels and each campaign's summary."""
    _summary, store = ingested(out, platforms, seed=1, posts=60_000)
    result = detect(store)
    return store, read_truth(out / "truth.csv"), [result.summaries[c.campaign_id] for c in result.campaigns]
