"""Ingesting files into the store: layout resolution, the sources ledger, one transaction per file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from unmask.errors import InputError, StoreError, UnmaskError
from unmask.ingest.registry import resolve_layout
from unmask.ingest.writer import FileCounts, StagingWriter
from unmask.store import Store


@dataclass
class FileResult:
    """The outcome for one input path: counts, or why it was skipped or failed."""

    path: Path
    format: str | None = None
    counts: FileCounts | None = None
    skipped_as: str | None = None  # path under which identical content was ingested before
    error: str | None = None


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def posts_read(self) -> int:
        return sum(f.counts.posts_read for f in self.files if f.counts)

    @property
    def posts_new(self) -> int:
        return sum(f.counts.posts_new for f in self.files if f.counts)

    @property
    def rejects(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for f in self.files:
            for reason, n in (f.counts.rejects if f.counts else {}).items():
                total[reason] = total.get(reason, 0) + n
        return total

    @property
    def anything_read(self) -> bool:
        """True when at least one file was read (or was already in the store): the CLI's success test."""
        return any(f.skipped_as or (f.counts and f.counts.records > f.counts.rejected) for f in self.files)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory stands for the files directly inside it, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")))
        else:
            files.append(path)
    return files


def ingest_file(
    store: Store,
    path: Path,
    *,
    format: str | None = None,
    mapping: str | Path | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> FileResult:
    """Ingest one file in one transaction; identical content ingested before is skipped."""
    result = FileResult(path=path)
    try:
        layout = resolve_layout(path, format, mapping)
        digest = sha256_of(path)
    except OSError as exc:
        result.error = f"{path}: cannot read: {exc.strerror or exc}"
        return result
    except UnmaskError as exc:
        result.error = str(exc)
        return result
    result.format = layout.name
    con = store.con
    previous = con.execute("SELECT path FROM sources WHERE sha256 = ?", [digest]).fetchone()
    if previous:
        result.skipped_as = previous[0]
        return result
    con.execute("BEGIN TRANSACTION")
    try:
        writer = StagingWriter(con, str(path), on_batch=on_batch)
        for record in layout.read(path):
            writer.add(record)
        counts = writer.finish()
        con.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                str(path),
                digest,
                layout.name,
                path.stat().st_size,
                counts.records,
                counts.posts_new,
                counts.accounts_new,
                counts.rejected,
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        con.execute("COMMIT")
    except InputError as exc:
        con.execute("ROLLBACK")
        result.error = str(exc)
        return result
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise StoreError(f"{store.path}: ingest of {path} failed and was rolled back: {exc}") from exc
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.counts = counts
    return result


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    format: str | None = None,
    mapping: str | Path | None = None,
    on_file: Callable[[Path], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest every path (directories expanded); one failing file never stops the others.

    Insertion order is not preserved (rows carry their source file and record number instead), which
    lets DuckDB stream and spill the large staging merges.
    """
    store.con.execute("SET preserve_insertion_order = false")
    report = IngestReport()
    for path in expand_paths(Path(p) for p in paths):
        if on_file:
            on_file(path)
        report.files.append(ingest_file(store, path, format=format, mapping=mapping, on_batch=on_batch))
    return report
