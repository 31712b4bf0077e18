"""Store access for the web app: short read-only connections, short write transactions, and reads kept
per data version so that most requests do not open the store at all.

DuckDB lets one process write a file, or any number read it, never both; and inside one process a
read-only and a read-write connection to the same file cannot be open together. `unmask detect` and
`unmask ingest` must be able to run while the app serves, so the app never holds the file between
requests: a read opens a read-only connection for the duration of one request step and closes it, every
write (login, user, incident edit) opens a read-write connection for one transaction and closes it.
Inside the app a readers-writer lock keeps the two kinds apart; against other processes a locked file is
retried with backoff for `wait_seconds`, then reported as StoreBusyError (HTTP 503 with Retry-After).

Opening the store costs ~10 ms and a cold cache, and at tens of requests a second it would also keep
the file open nearly all the time. So results are kept (web/cache.py) under the store's data version,
and the app learns whether that version may have changed without opening the store: from the file
system. Any commit by any process changes the store file or its write-ahead log (size, modification
or change time, or inode), and a write made by this process is counted too. While the files are as a
read last saw them, the version that read computed still holds; when they differ, the next request
opens the store and computes the version again (a login changes the files but not the data version, so
kept pages survive it). File times have a coarse granularity, so a write landing in the same tick as
the state a read saw could go unnoticed; like git's "racily clean" index entries, a state is trusted
without opening the store only when its newest time was `settle_seconds` old when a read saw it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from unmask.documents.build import data_version
from unmask.errors import StoreError
from unmask.store import Store
from unmask.store.db import rollback
from unmask.web.cache import MISSING, ResultCache

_FIRST_BACKOFF = 0.02
SETTLE_SECONDS = 2.0
T = TypeVar("T")
FileStamp = tuple[int, int, int, int] | None  # inode, size, mtime ns, ctime ns; None: no such file


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


def _stamp(path: Path) -> FileStamp:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True)
class Seen:
    """The store's files as a read saw them (no other process can write while a read is open), and
    the data version that read found: the key under which results of the store's data are kept."""

    files: tuple[int, FileStamp, FileStamp]  # writes made by this process, store file, write-ahead log
    version: Hashable
    settled: bool  # the files' newest time was settle_seconds old when seen: the state can be trusted


class StoreAccess:
    """Opens the store at `path` per use, and knows its data version between uses; one per app."""

    def __init__(
        self, path: Path, *, wait_seconds: float = 3.0, settle_seconds: float = SETTLE_SECONDS
    ) -> None:
        self.path = Path(path)
        self.wait_seconds = wait_seconds
        self.settle_seconds = settle_seconds
        self._lock = _ReadersWriterLock()
        self._where = str(self.path.resolve())
        self._wal = self.path.with_name(self.path.name + ".wal")
        self._writes = 0
        self._seen: Seen | None = None
        self._trusted: Seen | None = None

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

    def _files(self) -> tuple[int, FileStamp, FileStamp]:
        return (self._writes, _stamp(self.path), _stamp(self._wal))

    def _see(self, store: Store) -> Seen:
        """The files and data version now, under an open read (the data version is recomputed, ~2 ms,
        only when the files changed since the last read)."""
        files = self._files()
        seen = self._seen
        if seen is None or seen.files != files or not seen.settled:
            newest = max((t for stamp in files[1:] if stamp is not None for t in stamp[2:]), default=0)
            settled = time.time_ns() - newest > self.settle_seconds * 1e9
            version = seen.version if seen is not None and seen.files == files else None
            seen = self._seen = Seen(files, version or (self._where, data_version(store)), settled)
        if seen.settled:
            self._trusted = seen
        return seen

    def known(self) -> Seen | None:
        """What a read last saw, when the files are still exactly as then and that state was settled;
        None when only opening the store can tell."""
        trusted = self._trusted
        return trusted if trusted is not None and trusted.files == self._files() else None

    def cached(self, cache: ResultCache, key: tuple[Hashable, ...], build: Callable[[Store], T]) -> T:
        """`build(store)` for the store's current data version, kept in `cache`: without opening the
        store when the version is known and the result kept, else built under one read."""
        known = self.known()
        if known is not None:
            found = cache.peek((known.version, *key))
            if found is not MISSING:
                return found
        with self.read() as store:
            return cache.get((self._see(store).version, *key), lambda: build(store))

    def cached_by_files(
        self, cache: ResultCache, key: tuple[Hashable, ...], build: Callable[[Store], T]
    ) -> T:
        """Like `cached`, for results of tables that change without the data version (sessions, users):
        kept only while the files stay exactly as a settled read saw them, so that any write misses."""
        known = self.known()
        if known is not None:
            found = cache.peek((self._where, known.files, *key))
            if found is not MISSING:
                return found
        with self.read() as store:
            seen = self._see(store)
            result = build(store)
        if seen.settled:
            cache.get((self._where, seen.files, *key), lambda: result)
        return result

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
                self._writes += 1  # whatever happened, what a read saw no longer holds
