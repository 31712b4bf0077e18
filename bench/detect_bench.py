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
from pathlib import Path

import networkx
from common import OUT, machine, run_measured, today, unmask

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
    tool: Path, scenario: Path, timeout: int
) -> list[tuple[str, int, float, float, float, float, float]]:
    db = OUT / f"peer-{scenario.name}.db"
    db.unlink(missing_ok=True)
    prep = run_measured([str(tool), str(db), "preprocess", "--format", "csv", str(scenario / "qut.csv")])
    _all, positives = truth_sets(scenario / "truth.csv")
    results = []
    for network in PEER_NETWORKS:
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
        try:
            measured = run_measured(["timeout", str(timeout), *args])
        except RuntimeError:
            results.append((network, 0, float(timeout), 0.0, 0.0, 0.0, 0.0))
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
    args = parser.parse_args()
    tool = None if args.no_peer else peer_venv()
    lines = []
    for size in (int(s) for s in args.sizes.split(",")):
        scenario = OUT / f"synth-{size}"
        if not (scenario / "truth.csv").exists():
            run_measured(unmask("synth", "--out", str(scenario), "--posts", str(size), "--quiet"))
        db = OUT / f"detect-{size}.duckdb"
        db.unlink(missing_ok=True)
        ingest = run_measured(unmask("ingest", str(scenario / args.layout), "--db", str(db), "--quiet"))
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
        print(lines[-1], f"(ingest {ingest.seconds:.1f} s, peak {ingest.peak_mb:,.0f} MB)", flush=True)
        if tool:
            peer = run_peer(tool, scenario, args.peer_timeout)
            best = max(peer, key=lambda row: row[6])
            for network, weight, seconds, rss, p, r, f in peer:
                mark = " (best)" if (network, weight) == best[:2] else ""
                note = "timed out" if seconds >= args.peer_timeout else ""
                lines.append(
                    f"| {size:,} | peer {network} w>={weight}{mark} {note} | {seconds:.1f} | {rss:,.0f} | "
                    f"{p:.3f} | {r:.3f} | {f:.3f} |"
                )
                print(lines[-1], flush=True)
    print(f"\n### Detection vs peer ({today()}, {machine()}; peer window {WINDOW} s)\n")
    print("| posts | tool | seconds | peak RSS MB | precision | recall | F1 |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
