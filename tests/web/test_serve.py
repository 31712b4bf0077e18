"""`serve(db, host, port)`, the function behind `unmask serve`: a real server answering on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from web_support import Planted

SERVE = "import sys; from unmask.web import serve; serve(sys.argv[1], '127.0.0.1', int(sys.argv[2]))"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_serve_answers_and_requires_login(planted: Planted) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(planted.path), str(port)], stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, headers, body = _get(f"http://127.0.0.1:{port}/login")
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert status == 200 and 'name="csrf_token"' in body
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "server" not in {name.lower() for name in headers}
        status, _headers, _body = _get(f"http://127.0.0.1:{port}/api/campaigns")
        assert status == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
