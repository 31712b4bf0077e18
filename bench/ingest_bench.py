"""Ingest throughput and peak memory at 1M and 10M generated posts, per layout.

    python bench/ingest_bench.py [--sizes 1000000,10000000] [--layouts x_api_v2,io_archive,qut]

Generates each size once with `unmask synth` (kept under bench/out/), then times `unmask ingest` of
each layout into a fresh store, as a child process so its own peak RSS is read. Prints a Markdown
table to paste into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse

from common import OUT, generated, machine, timed_ingest, today

FILES = {"x_api_v2": "x_api_v2.jsonl", "io_archive": "io_archive.csv", "qut": "qut.csv"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--layouts", default="x_api_v2,io_archive,qut")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        scenario = generated(OUT / f"synth-{size}", size)
        for layout in args.layouts.split(","):
            files = [str(scenario / FILES[layout])]
            posts, seconds, peak_mb = timed_ingest(files, OUT / f"ingest-{layout}-{size}.duckdb")
            rows.append((size, layout, posts, seconds, posts / seconds, peak_mb))
            print(f"{layout} {size:,}: {posts:,} posts in {seconds:.1f} s", flush=True)
    print(f"\n### Ingest ({today()}, {machine()})\n")
    print("| generated posts | layout | posts stored | seconds | posts/s | peak RSS MB |")
    print("|---:|---|---:|---:|---:|---:|")
    for size, layout, posts, seconds, rate, rss in rows:
        print(f"| {size:,} | {layout} | {posts:,} | {seconds:.1f} | {rate:,.0f} | {rss:,.0f} |")


if __name__ == "__main__":
    main()
