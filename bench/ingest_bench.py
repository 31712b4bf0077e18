"""Ingest throughput and peak memory at 1M and 10M generated posts, per layout.

    python bench/ingest_bench.py [--sizes 1000000,10000000] [--layouts x_api_v2,io_archive,qut]

Generates each size once with `unmask synth` (kept under bench/out/), then times `unmask ingest` of
each layout into a fresh store, as a child process so its own peak RSS is read. Prints a Markdown
table to paste into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json

from common import OUT, machine, run_measured, today, unmask

FILES = {"x_api_v2": "x_api_v2.jsonl", "io_archive": "io_archive.csv", "qut": "qut.csv"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--layouts", default="x_api_v2,io_archive,qut")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        scenario = OUT / f"synth-{size}"
        if not (scenario / "truth.csv").exists():
            made = run_measured(unmask("synth", "--out", str(scenario), "--posts", str(size), "--quiet"))
            print(f"synth {size:,}: {made.seconds:.0f} s, peak {made.peak_mb:.0f} MB", flush=True)
        for layout in args.layouts.split(","):
            db = OUT / f"ingest-{layout}-{size}.duckdb"
            db.unlink(missing_ok=True)
            measured = run_measured(
                unmask("ingest", str(scenario / FILES[layout]), "--db", str(db), "--quiet")
            )
            stats = json.loads(run_measured(unmask("stats", "--db", str(db), "--json")).stdout)
            posts = sum(stats["posts"].values())
            rows.append((size, layout, posts, measured.seconds, posts / measured.seconds, measured.peak_mb))
            print(f"{layout} {size:,}: {posts:,} posts in {measured.seconds:.1f} s", flush=True)
            db.unlink(missing_ok=True)
    print(f"\n### Ingest ({today()}, {machine()})\n")
    print("| generated posts | layout | posts stored | seconds | posts/s | peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|")
    for size, layout, posts, seconds, rate, rss in rows:
        print(f"| {size:,} | {layout} | {posts:,} | {seconds:.1f} | {rate:,.0f} | {rss:,.0f} |")


if __name__ == "__main__":
    main()
