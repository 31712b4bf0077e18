"""Results kept in the serving process, bounded in number and in bytes, each built once.

Reads are what the app does all day, and they only change when `unmask ingest` or `detect` changes the
store: the app keeps what it built under keys naming the store's data version (web/db.py), so that a
page served twice costs no store access the second time and a new run simply misses. When several
requests miss the same key at once, one builds the result and the others wait for it, so a burst after
a detection run does not build the same page many times over.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Future
from typing import Any

MISSING: Any = object()  # what `peek` returns for a key not kept


def size_of(value: object) -> int:
    """Bytes a kept value holds, near enough to bound the cache: texts by length, containers by content."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, Mapping):
        return sum(size_of(v) for v in value.values())
    if isinstance(value, tuple | list):
        return sum(size_of(v) for v in value)
    return sys.getsizeof(value)


class ResultCache:
    """Least recently used results under hashable keys, at most `max_items` and about `max_bytes`.

    Values are shared between requests: keep immutable values (texts, bytes, tuples) or copy on use.
    A value larger than `max_bytes` is returned but not kept; an exception from a build is raised to
    every request waiting for that key and nothing is kept.
    """

    def __init__(self, max_items: int, max_bytes: int = 1 << 62) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._building: dict[Hashable, Future[Any]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        return self._bytes

    def peek(self, key: Hashable) -> Any:
        """The value kept under `key` (now the most recently used), or MISSING."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return MISSING
            self._items.move_to_end(key)
            return found[0]

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value under `key`, built by `build()` when missing (once, however many ask at once)."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found[0]
            pending = self._building.get(key)
            owner = pending is None
            if pending is None:
                pending = self._building[key] = Future()
        if not owner:
            return pending.result()
        try:
            value = build()
        except BaseException as exc:
            with self._lock:
                del self._building[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            del self._building[key]
            self._keep(key, value)
        pending.set_result(value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _keep(self, key: Hashable, value: Any) -> None:
        size = size_of(value)
        if size > self.max_bytes:
            return
        self._items[key] = (value, size)
        self._bytes += size
        while len(self._items) > self.max_items or self._bytes > self.max_bytes:
            _key, (_value, dropped) = self._items.popitem(last=False)
            self._bytes -= dropped
