"""Screenshot the campaign page of a store for the README (docs/img/campaign.png).

    python scripts/screenshot.py --db demo/unmask.duckdb [--campaign C001]

Starts `unmask serve` on a free loopback port with a throwaway user, logs in with headless
Chromium (Debian's /usr/bin/chromium through Playwright) and saves the page.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
USER, PASSWORD = "screenshot", "screenshot-password-1"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--campaign", default="C001")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img" / "campaign.png"))
    args = parser.parse_args()
    unmask = str(Path(sys.executable).parent / "unmask")
    subprocess.run(
        [unmask, "user", "add", USER, "--role", "viewer", "--db", args.db, "--password-stdin"],
        input=PASSWORD + "\n",
        text=True,
        check=False,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen([unmask, "serve", "--db", args.db, "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for _ in range(50):
                try:
                    page.goto(base + "/login")
                    break
                except Exception:
                    time.sleep(0.2)
            page.fill("input[name=username]", USER)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            page.goto(f"{base}/campaigns/{args.campaign}")
            page.wait_for_selector("#graph svg circle.node")
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=args.out, clip={"x": 0, "y": 0, "width": 1280, "height": 1400}, full_page=True
            )
            browser.close()
    finally:
        server.terminate()
        server.wait()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
