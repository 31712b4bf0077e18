"""How fast the web app's pages open on a large store (the issue's bar: under 1 s at 1M posts).

    python bench/web_bench.py --db bench/out/detect-1000000.duckdb [--repeat 20]

Starts `unmask serve` on a free loopback port with a throwaway user, logs in over HTTP and times each
page and API call `--repeat` times, one request at a time. Prints a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import httpx
from common import BIN, machine, today

USER, PASSWORD = "bench", "bench-password-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_in(client: httpx.Client) -> None:
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    response = client.post(
        "/login",
        data={
            "username": USER,
            "password": PASSWORD,
            "next": "/",
            "csrf_token": token.group(1) if token else "",
        },
    )
    if response.status_code not in (200, 303) or "session" not in " ".join(client.cookies.keys()).lower():
        raise SystemExit(f"login failed: {response.status_code}")


def pages(db: Path) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        campaign, platform, account = con.execute(
            "SELECT campaign_id, platform, account_id FROM campaign_accounts "
            "ORDER BY campaign_id, score DESC LIMIT 1"
        ).fetchone()
    acct = f"{platform}:{account}"
    return {
        "campaign list": "/",
        "campaign page": f"/campaigns/{campaign}",
        "account page": f"/accounts/{acct}",
        "search": "/search?q=Liang",
        "graph API": f"/api/campaigns/{campaign}/graph",
        "incident editor": f"/campaigns/{campaign}/incident",
    }


@contextmanager
def served(db: Path) -> Iterator[str]:
    """`unmask serve` on a free loopback port, with the bench user added; yields its base URL."""
    subprocess.run(
        [
            str(BIN / "unmask"),
            "user",
            "add",
            USER,
            "--role",
            "analyst",
            "--db",
            str(db),
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        check=False,
    )
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "unmask"), "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base_url}/login", timeout=30)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    targets = pages(args.db)
    rows = []
    with served(args.db) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        log_in(client)
        for name, path in targets.items():
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {response.status_code}")
            times.sort()
            rows.append((name, statistics.median(times), times[int(0.95 * (len(times) - 1))], max(times)))
    print(
        f"\n### Web pages ({today()}, {machine()}; {args.db.name}, {args.repeat} sequential requests each)\n"
    )
    print("| page | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|")
    for name, median, p95, worst in rows:
        print(f"| {name} | {median * 1000:.0f} | {p95 * 1000:.0f} | {worst * 1000:.0f} |")


if __name__ == "__main__":
    main()
