"""What an analyst app instance is configured with: one frozen object, passed to `create_app`.

The defaults are for a single analyst workstation serving on 127.0.0.1. Behind a TLS reverse proxy set
`cookie_secure=True` so the session cookie never travels in clear text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    db: Path
    session_ttl: timedelta = timedelta(hours=8)  # absolute lifetime of a login, however active
    cookie_secure: bool = False  # True behind HTTPS: browsers then send the cookies over TLS only
    login_max_failures: int = 5  # failed logins per user name (and 4x that per client) ...
    login_window: timedelta = timedelta(minutes=5)  # ... within this window before logins are refused
    lock_wait_seconds: float = 3.0  # how long a request waits for a store locked by `unmask detect`/ingest
    # argon2id cost; the defaults are argon2-cffi's (RFC 9106 low-memory profile). Lower only in tests.
    hash_time_cost: int = 3
    hash_memory_kib: int = 65536
    graph_max_nodes: int = 300  # the campaign network shows its highest-scoring accounts up to this many
