"""Ingest throughput and peak memory per platform layout, at about 1M records each.

    python bench/platform_ingest_bench.py [--records 1000000] [--platforms x,facebook,...,bluesky]

For each platform, `unmask synth --platforms <p>` writes a scenario on that platform alone, in its own
export layout (X API v2, Meta Content Library, YouTube Data API, Arctic Shift, TikTok Research API,
CrowdTangle's Instagram CSV, a Telegram Desktop result.json, Bluesky getAuthorFeed pages), sized so that
its files hold about `--records` posts: a small calibration run gives the share of generated posts the
platform keeps (YouTube and Reddit have no retweets, TikTok's API and CrowdTangle no commenters,
Telegram no quotes); X alone also writes its two CSV layouts, left out here (see ingest_bench.py).
Scenarios are kept under bench/out/. Then `unmask ingest` of the platform's files into a fresh store
is timed as a child process, so its own peak RSS is read. Prints a Markdown table to paste into
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from common import OUT, generated, machine, timed_ingest, today

from unmask.synth.platforms.sinks import X_FILES

CALIBRATION_POSTS = 20_000
PLATFORMS = "x,facebook,youtube,reddit,tiktok,instagram,telegram,bluesky"
EXPORTS = (".jsonl", ".ndjson", ".json", ".csv")
NOT_EXPORTS = {"truth.csv", X_FILES["io_archive"], X_FILES["qut"]}


def scenario(platform: str, posts: int) -> Path:
    """The scenario of one platform alone (generated once, then reused)."""
    return generated(OUT / f"platform-{platform}-{posts}", posts, "--platforms", platform)


def export_files(folder: Path) -> list[str]:
    return sorted(
        str(p) for p in folder.iterdir() if p.is_file() and p.suffix in EXPORTS and p.name not in NOT_EXPORTS
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--platforms", default=PLATFORMS)
    args = parser.parse_args()
    rows = []
    for platform in args.platforms.split(","):
        calibration = scenario(platform, CALIBRATION_POSTS)
        kept, _, _ = timed_ingest(export_files(calibration), OUT / f"calibrate-{platform}.duckdb")
        posts = max(
            CALIBRATION_POSTS, round(1.05 * args.records * CALIBRATION_POSTS / kept)
        )  # a margin: at least --records
        folder = scenario(platform, posts)
        stored, seconds, rss = timed_ingest(export_files(folder), OUT / f"ingest-{platform}.duckdb")
        files = ", ".join(Path(f).name for f in export_files(folder))
        rows.append((platform, files, stored, seconds, stored / seconds, rss))
        print(f"{platform}: {stored:,} posts in {seconds:.1f} s, peak {rss:.0f} MB", flush=True)
    print(f"\n### Ingest per platform layout ({today()}, {machine()})\n")
    print("| platform | files | posts stored | seconds | posts/s | peak RSS MB |")
    print("|---|---|---:|---:|---:|---:|")
    for platform, files, stored, seconds, rate, rss in rows:
        print(f"| {platform} | {files} | {stored:,} | {seconds:.1f} | {rate:,.0f} | {rss:,.0f} |")


if __name__ == "__main__":
    main()
