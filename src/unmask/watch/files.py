"""Which files in the watched folder are ready to read, so that a file still being written is never read half.

The rule. A file directly inside the folder is taken once
- its name is not a temporary one: it does not start with "." or "~" and does not end in a
  temporary suffix (TEMP_SUFFIXES: .part, .tmp, .crdownload, ...), and
- its size and modification time have not changed for `settle` seconds (one polling interval by
  default), as seen by two looks at the folder at least that far apart.
A writer that may pause longer than that in the middle of a file should write under a temporary
name and rename the file into place when it is complete: a rename within one file system is atomic,
so the watcher sees no file or the whole file.

A file taken before with the same size and modification time is never opened again (see
unmask.watch.state); one whose size or time changed is taken again, and ingest then skips what it
already holds (identical content by its sha256, posts by their ids).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from unmask.errors import InputError
from unmask.watch.state import Signature

TEMP_SUFFIXES = frozenset(
    {".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".swp", ".lock"}
)


def is_candidate(path: Path) -> bool:
    """A regular file whose name is not a temporary or hidden one."""
    name = path.name
    return not name.startswith((".", "~")) and path.suffix.lower() not in TEMP_SUFFIXES and path.is_file()


class ReadyFiles:
    """Remembers each file's signature and since when it has been unchanged."""

    def __init__(self, settle: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.settle = settle
        self.clock = clock
        self._since: dict[Path, tuple[Signature, float]] = {}

    def poll(self, directory: Path) -> list[tuple[Path, Signature]]:
        """Look at the folder; return the files that are ready now, in name order, with their signature."""
        now = self.clock()
        ready: list[tuple[Path, Signature]] = []
        present: set[Path] = set()
        try:
            listing = sorted(directory.iterdir())
        except OSError as exc:
            raise InputError(f"{directory}: cannot list the watched folder: {exc.strerror or exc}") from exc
        for path in listing:
            if not is_candidate(path):
                continue
            try:
                signature = Signature.of(path)
            except FileNotFoundError:  # removed or renamed between listing and looking
                continue
            present.add(path)
            seen = self._since.get(path)
            if seen is None or seen[0] != signature:
                self._since[path] = (signature, now)
            elif now - seen[1] >= self.settle:
                ready.append((path, signature))
        self._since = {p: v for p, v in self._since.items() if p in present}
        return ready
