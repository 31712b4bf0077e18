"""unmask detect vs the QUT coordination-network-toolkit on the same generated files.

    python bench/detect_bench.py [--sizes 100000,1000000,10000000] [--peer-timeout 1800]

For each size: `unmask synth` (kept under bench/out/), `unmask ingest` of the X API v2 layout,
`unmask detect` timed as a child process (peak RSS from wait4), `unmask eval` against truth.csv.
The peer (PyPI coordination-network-toolkit==1.5.2, installed into its own venv under bench/out/)
preprocesses the same scenario's 8-column CSV and computes each of its networks with a 60-s window
(its time includes the preprocessing); an account counts as flagged by a network when it has an
edge (loops excluded) of at least the minimum weight. The
table reports the peer's best network (highest F1) next to unmask. Paste the output into RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import networkx
from common import OUT, generated, machine, run_measured, today, unmask

from unmask.evaluation.measure import StepFailed

PEER_VERSION = "coordination-network-toolkit==1.5.2"
PEER_NETWORKS = ("co_retweet", "co_tweet", "co_similar_tweet", "co_link", "co_reply")
WINDOW = 60


def peer_venv() -> Path:
    venv = OUT / "peer-venv"
    tool = venv / "bin" / "compute_networks"
    if not tool.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", PEER_VERSION], check=True)
    return tool


def truth_sets(path: Path) -> tuple[set[str], set[str]]:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {r["account_id"] for r in rows}, {r["account_id"] for r in rows if r["label"] != "organic"}


def f1(flagged: set[str], positives: set[str]) -> tuple[float, float, float]:
    tp = len(flagged & positives)
    p = tp / len(flagged) if flagged else 0.0
    r = tp / len(positives) if positives else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_peer(
    tool: Path, scenario: Path, timeout: int, networks: list[str], memory_gb: float | None
) -> list[tuple[str, int, float, float, float, float, float]]:
    db = OUT / f"peer-{scenario.name}.db"
    db.unlink(missing_ok=True)
    # An address-space cap, so that a peer network outgrowing the machine fails alone (as "failed").
    cap = ["prlimit", f"--as={int(memory_gb * 2**30)}"] if memory_gb else []
    csv_file = str(scenario / "qut.csv")
    prep = run_measured([*cap, str(tool), str(db), "preprocess", "--format", "csv", csv_file])
    _all, positives = truth_sets(scenario / "truth.csv")
    results = []
    for network in networks:
        out = OUT / f"peer-{scenario.name}-{network}.graphml"  # 1.5.2's CSV writer fails; GraphML works
        args = [
            str(tool),
            str(db),
            "compute",
            network,
            "--time_window",
            str(WINDOW),
            "--output_file",
            str(out),
        ]
        started = time.perf_counter()
        try:
            measured = run_measured(["timeout", str(timeout), *cap, *args])
        except StepFailed as failed:
            why = f"timed out after {timeout} s" if "failed (124)" in str(failed) else "failed (memory cap?)"
            print(f"peer {network}: {why}\n{str(failed)[-500:]}", flush=True)
            elapsed = time.perf_counter() - started + prep.seconds
            results.append((f"{network} {why}", 0, elapsed, 0.0, 0.0, 0.0, 0.0))
            continue
        graph = networkx.read_graphml(out)
        edges = [(u, v, float(d.get("weight", 1))) for u, v, d in graph.edges(data=True) if u != v]
        for min_weight in (1, 2, 3):
            flagged = {acct for u, v, w in edges if w >= min_weight for acct in (u, v)}
            p, r, f = f1(flagged, positives)
            results.append((network, min_weight, measured.seconds + prep.seconds, measured.peak_mb, p, r, f))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--peer-timeout", type=int, default=1800)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--layout", default="x_api_v2.jsonl", help="which generated file unmask ingests")
    parser.add_argument("--peer-networks", default=",".join(PEER_NETWORKS))
    parser.add_argument("--peer-memory-gb", type=float, help="address-space cap for each peer process")
    parser.add_argument(
        "--reuse-store", action="store_true", help="detect on bench/out/detect-SIZE.duckdb as is (no ingest)"
    )
    args = parser.parse_args()
    tool = None if args.no_peer else peer_venv()
    lines = []
    for size in (int(s) for s in args.sizes.split(",")):
        scenario = generated(OUT / f"synth-{size}", size)
        db = OUT / f"detect-{size}.duckdb"
        if not (args.reuse_store and db.exists()):
            db.unlink(missing_ok=True)
            ingest = run_measured(unmask("ingest", str(scenario / args.layout), "--db", str(db), "--quiet"))
            print(f"ingest {size:,}: {ingest.seconds:.1f} s, peak {ingest.peak_mb:,.0f} MB", flush=True)
        detect = run_measured(unmask("detect", "--db", str(db), "--quiet"))
        scores = json.loads(
            run_measured(
                unmask("eval", "--truth", str(scenario / "truth.csv"), "--db", str(db), "--json")
            ).stdout
        )
        lines.append(
            f"| {size:,} | unmask (all signals) | {detect.seconds:.1f} | {detect.peak_mb:,.0f} | "
            f"{scores['precision']:.3f} | {scores['recall']:.3f} | {scores['f1']:.3f} |"
        )
        print(lines[-1], flush=True)
        if tool:
            peer = run_peer(
                tool, scenario, args.peer_timeout, args.peer_networks.split(","), args.peer_memory_gb
            )
            best = max(peer, key=lambda row: row[6])
            for network, weight, seconds, rss, p, r, f in peer:
                mark = " (best)" if (network, weight) == best[:2] else ""
                lines.append(
                    f"| {size:,} | peer {network} w>={weight}{mark} | {seconds:.1f} | {rss:,.0f} | "
                    f"{p:.3f} | {r:.3f} | {f:.3f} |"
                )
                print(lines[-1], flush=True)
    print(f"\n### Detection vs peer ({today()}, {machine()}; peer window {WINDOW} s)\n")
    print("| posts | tool | seconds | peak RSS MB | precision | recall | F1 |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
