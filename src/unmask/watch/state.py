"""What the watch remembers between cycles and restarts: files taken, sources scored, its step counter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from unmask.store import Store

WATCH_ENGINE = "watch"  # detect_runs.engine of results the watch wrote


def now() -> datetime:
    """Naive UTC, as every store timestamp."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Signature:
    """A file's size and modification time: unchanged signature, unchanged file (never re-read)."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Signature:
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns)


def taken_files(store: Store) -> dict[str, Signature]:
    rows = store.con.execute("SELECT path, size_bytes, mtime_ns FROM watch_files").fetchall()
    return {path: Signature(size, mtime) for path, size, mtime in rows}


def record_taken(store: Store, path: Path, signature: Signature, outcome: str, detail: str | None) -> None:
    store.con.execute(
        "INSERT OR REPLACE INTO watch_files VALUES (?, ?, ?, ?, ?, ?)",
        [str(path), signature.size, signature.mtime_ns, outcome, detail, now()],
    )


def pending_sources(store: Store) -> list[tuple[str, str]]:
    """(sha256, path) of ingested files whose posts are not scored yet, whoever ingested them."""
    return store.con.execute(
        "SELECT sha256, path FROM sources WHERE sha256 NOT IN (SELECT sha256 FROM watch_scored) ORDER BY path"
    ).fetchall()


def mark_scored(store: Store, shas: list[str]) -> None:
    if not shas:
        return
    stamp = now()
    store.con.executemany("INSERT OR IGNORE INTO watch_scored VALUES (?, ?)", [[s, stamp] for s in shas])


def needs_baseline(store: Store) -> bool:
    """True before the first step, and after `unmask detect` replaced the results the watch kept."""
    con = store.con
    if con.execute("SELECT count(*) FROM watch_state").fetchone()[0] == 0:
        return True
    row = con.execute("SELECT engine FROM detect_runs LIMIT 1").fetchone()
    return row is not None and row[0] != WATCH_ENGINE


def load_step(store: Store) -> tuple[int, int]:
    """(steps done, account total at the last step)."""
    row = store.con.execute("SELECT step, accounts FROM watch_state").fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def save_step(store: Store, step: int, accounts: int) -> None:
    store.con.execute("DELETE FROM watch_state")
    store.con.execute("INSERT INTO watch_state VALUES (?, ?)", [step, accounts])
