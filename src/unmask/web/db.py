"""Store access for the web app: a short read-only connection per request, short write transactions.

DuckDB lets one process write a file, or any number read it, never both; and inside one process a
read-only and a read-write connection to the same file cannot be open together. `unmask detect` and
`unmask ingest` must be able to run while the app serves, so the app never holds the file: every read
opens a read-only connection for the duration of one request step and closes it, every write (login,
user, incident edit) opens a read-write connection for one transaction and closes it. Inside the app a
readers-writer lock keeps the two kinds apart; against other processes a locked file is retried with
backoff for `wait_seconds`, then reported as StoreBusyError (HTTP 503 with Retry-After).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from unmask.errors import StoreError
from unmask.store import Store
from unmask.store.db import rollback

_FIRST_BACKOFF = 0.02


class StoreBusyError(StoreError):
    """Another process (detect, ingest) holds the store's write lock longer than a request may wait."""


class _ReadersWriterLock:
    """Many readers or one writer; a waiting writer stops new readers so it cannot starve."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writer and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            self._cond.wait_for(lambda: not self._writer and not self._readers)
            self._writers_waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


def _is_lock_error(exc: BaseException | None) -> bool:
    """DuckDB's "Could not set lock" (another process) or "different configuration" (this process)."""
    if not isinstance(exc, duckdb.Error):
        return False
    text = str(exc)
    return "lock" in text.lower() or "different configuration" in text


class StoreAccess:
    """Opens the store at `path` per use; one per app."""

    def __init__(self, path: Path, *, wait_seconds: float = 3.0) -> None:
        self.path = Path(path)
        self.wait_seconds = wait_seconds
        self._lock = _ReadersWriterLock()

    def _connect(self, *, read_only: bool) -> Store:
        """A plain connection: the schema was checked (and migrated) once, when the app started."""
        try:
            return Store(path=self.path, con=duckdb.connect(str(self.path), read_only=read_only))
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from exc

    def _retry(self, *, read_only: bool) -> Store:
        deadline = time.monotonic() + self.wait_seconds
        delay = _FIRST_BACKOFF
        while True:
            try:
                return self._connect(read_only=read_only)
            except StoreError as exc:
                if not _is_lock_error(exc.__cause__):
                    raise
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StoreBusyError(
                        "the store is locked by another process (detect or ingest running?); retry shortly"
                    ) from exc
                time.sleep(min(delay, remaining))
                delay = min(delay * 2, 0.5)

    @contextmanager
    def read(self) -> Iterator[Store]:
        """A read-only store for one request step; closed on exit."""
        with self._lock.shared():
            store = self._retry(read_only=True)
            try:
                yield store
            finally:
                store.close()

    @contextmanager
    def write(self) -> Iterator[Store]:
        """A read-write store inside one transaction: committed on normal exit, rolled back on error."""
        with self._lock.exclusive():
            store = self._retry(read_only=False)
            try:
                store.con.execute("BEGIN TRANSACTION")
                try:
                    yield store
                except BaseException:
                    rollback(store.con)
                    raise
                store.con.execute("COMMIT")
            finally:
                store.close()
