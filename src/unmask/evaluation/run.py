"""`python -m unmask.evaluation` (`make eval`): measure everything and write docs/evaluation.md.

Without ../shared the real-data sections are left out and the page says so; the built-in scenario
is measured either way, and the command still exits 0.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from unmask.evaluation import figures
from unmask.evaluation.ira import align, categories, group_names
from unmask.evaluation.page import Figure, Results, render
from unmask.evaluation.peers import PEER_RUNS, compare
from unmask.evaluation.real import (
    REAL_SETS,
    RealSet,
    campaign_groups,
    communities,
    coordination_graph,
    file_rows,
    findings,
    ingest_and_detect,
)
from unmask.evaluation.synthetic import ScenarioFindings, generate, score
from unmask.store import Store, open_store

Progress = Callable[[str], None]
IMG = "img"


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = platform.python_version()
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, Python {python}"


def _labelled_set(store: Store, spec: RealSet, data: Path, docs: Path, results: Results) -> None:
    """Alignment with the set's labels, and the figures of its groups (campaigns, else communities)."""
    graph = coordination_graph(store)
    results.ira = align(store, graph, categories(store, data, spec))
    campaigns = campaign_groups(store)
    groups, what = (campaigns, "campaign") if campaigns else (group_names(communities(graph)), "community")
    shown = results.ira.campaigns if campaigns else results.ira.communities
    name = spec.name.replace("_", "-")
    graph_file, timeline_file = f"{IMG}/eval-{name}-graph.png", f"{IMG}/eval-{name}-timeline.png"
    figures.group_graph(
        graph,
        groups,
        docs / graph_file,
        f"{spec.name}: coordination graph, by {what}",
        {row: f"{column} {n}/{total}" for row, (column, n, total) in shown.table.majority().items()},
    )
    figures.group_timeline(store, groups, docs / timeline_file, f"{spec.name}: posts per day, by {what}")
    results.figures["ira_graph"] = Figure(
        graph_file,
        f"The {spec.name} coordination graph ({len(graph.accounts)} linked accounts), coloured by {what}.",
    )
    results.figures["ira_timeline"] = Figure(timeline_file, f"Posts per day of the largest groups ({what}).")


def real_sets(shared_real: Path, work: Path, docs: Path, results: Results, progress: Progress) -> None:
    for spec in REAL_SETS:
        data = shared_real / spec.file
        if not data.is_file():
            progress(f"{data} not found: {spec.name} skipped (the page says so)")
            results.missing.append(str(data))
            continue
        db = work / f"{spec.name}.duckdb"
        progress(f"{spec.name}: unmask ingest + detect")
        ingest, detect = ingest_and_detect(data, spec.name, db)
        with open_store(db) as store:
            results.sets.append(findings(store, spec, file_rows(store, data), ingest, detect))
            for run in PEER_RUNS:
                if run.dataset == spec.name:
                    progress(f"{spec.name}: {run.tool}, {run.parameters}")
                    results.peers.append(compare(store, run, shared_real / "peer"))
            if spec.label_column:
                progress(f"{spec.name}: groups against {spec.label_column}")
                _labelled_set(store, spec, data, docs, results)


def scenario(work: Path, docs: Path, posts: int, seed: int, results: Results, progress: Progress) -> None:
    progress(f"built-in scenario: {posts:,} posts, seed {seed}")
    out, db = work / "synth", work / "synth.duckdb"
    synth, ingest, detect = generate(out, posts, seed, db)
    with open_store(db) as store:
        scores, fused, accounts, positives = score(store, out / "truth.csv")
    results.scenario = ScenarioFindings(
        posts, seed, accounts, positives, synth, ingest, detect, scores, fused
    )
    path = f"{IMG}/eval-scenario-signals.png"
    figures.signal_scores(scores, docs / path, f"unmask synth --posts {posts:,} --seed {seed}")
    results.figures["scenario_scores"] = Figure(
        path, "Precision, recall and F1 per signal, per feature and fused."
    )


def evaluate(shared: Path, docs: Path, work: Path, *, posts: int, seed: int, progress: Progress) -> Results:
    """Every measurement of the page; `docs/img` receives the figures."""
    start = time.perf_counter()
    shared_real = shared / "real"
    available = shared_real.is_dir()
    results = Results(
        generated=f"{datetime.now(UTC):%Y-%m-%d}, {machine()}",
        command="make eval",
        shared=str(shared_real) if available else None,
        shared_looked_at=str(shared_real.resolve()),
    )
    (docs / IMG).mkdir(parents=True, exist_ok=True)
    if available:
        real_sets(shared_real, work, docs, results, progress)
    else:
        progress(f"{shared_real.resolve()} not found: real-data sections skipped (the page says so)")
    scenario(work, docs, posts, seed, results, progress)
    results.seconds = time.perf_counter() - start
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m unmask.evaluation", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("..") / "shared", help="default: ../shared")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="where evaluation.md and img/ go")
    parser.add_argument("--work", type=Path, help="keep the stores here (default: a temporary folder)")
    parser.add_argument("--posts", type=int, default=100_000, help="size of the built-in scenario")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="unmask-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = evaluate(
            args.shared,
            args.docs,
            work,
            posts=args.posts,
            seed=args.seed,
            progress=lambda m: print(m, flush=True),
        )
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    page = args.docs / "evaluation.md"
    page.write_text(render(results), encoding="utf-8")
    print(f"wrote {page} in {results.seconds / 60:.1f} min")
    if results.shared is None:
        print(f"note: {results.shared_looked_at} not found, so the page covers the built-in scenario only")
    return 0
