"""The watch loop: look at the folder, ingest what is ready, re-score, alert, deliver; sleep; again.

The store is opened for one cycle at a time, so between cycles other tools (`unmask serve`,
`report`, `export`) can open it; a cycle that finds it locked by one of them waits for the next.
Everything the loop must not forget is in the store (see unmask.watch.state): a restarted watch
takes up where it stopped, without opening a file it already took.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from unmask.campaigns.detect import DetectConfig
from unmask.errors import InputError, StoreError
from unmask.ingest.pipeline import ingest_paths
from unmask.signals.registry import PAIR_SIGNALS
from unmask.store import Store, open_store
from unmask.watch.alerts import check_webhook, deliver, printable
from unmask.watch.files import ReadyFiles
from unmask.watch.incremental import StepResult, rescore
from unmask.watch.state import Signature, needs_baseline, pending_sources, record_taken, taken_files
from unmask.watch.tracking import AlertRules

log = logging.getLogger("unmask.watch")


@dataclass(frozen=True)
class WatchConfig:
    detect: DetectConfig = field(default_factory=DetectConfig)
    rules: AlertRules = field(default_factory=AlertRules)
    interval: float = 10.0  # seconds between looks; a file is ready once unchanged this long
    webhook: str | None = None
    format: str | None = None  # as `unmask ingest --format`
    mapping: str | None = None


def watch_config(
    *,
    interval: float = 10.0,
    webhook: str | None = None,
    grow: float = 0.25,
    min_target_replies: int = 3,
    signals: str | None = None,
    format: str | None = None,
    mapping: str | None = None,
) -> WatchConfig:
    """A WatchConfig from command-line values, checked (an unknown signal or bad URL is an InputError)."""
    if interval <= 0 or grow < 0 or min_target_replies < 1:
        raise InputError("--interval must be > 0, --grow >= 0 and --min-target-replies >= 1")
    detect = DetectConfig()
    if signals:
        names = tuple(n.strip() for n in signals.split(",") if n.strip())
        unknown = sorted(set(names) - set(PAIR_SIGNALS))
        if unknown or not names:
            raise InputError(f"unknown signal(s) {', '.join(unknown)}; known: {', '.join(PAIR_SIGNALS)}")
        detect = replace(detect, signals=names)
    return WatchConfig(
        detect=detect,
        rules=AlertRules(grow_threshold=grow, min_target_replies=min_target_replies),
        interval=interval,
        webhook=check_webhook(webhook) if webhook else None,
        format=format,
        mapping=mapping,
    )


def watch(
    directory: Path,
    db: Path,
    config: WatchConfig,
    *,
    once: bool = False,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Watch `directory` until `stop()` says so, checked between cycles (with `once`: one cycle)."""
    if not directory.is_dir():
        raise InputError(f"{directory}: not a folder")
    if config.webhook:
        check_webhook(config.webhook)
    files = ReadyFiles(config.interval)
    log.info("watching %s every %.1f s; store %s", printable(str(directory)), config.interval, db)
    if once:
        files.poll(directory)  # a file is ready after two looks one interval apart
        time.sleep(config.interval)
        cycle(directory, db, files, config)
        return
    while not stop():
        cycle(directory, db, files, config)
        _pause(config.interval, stop)
    log.info("stopped")


def stop_on_signals() -> Callable[[], bool]:
    """SIGTERM or Ctrl-C asks the loop to stop after the current cycle; a second one stops at once."""
    requested = threading.Event()

    def handle(signum: int, _frame: object) -> None:
        if requested.is_set():
            raise KeyboardInterrupt
        requested.set()
        log.info("stopping after this cycle (%s again to stop now)", signal.Signals(signum).name)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle)
    return requested.is_set


def _pause(seconds: float, stop: Callable[[], bool]) -> None:
    """Sleep, waking early when asked to stop."""
    deadline = time.monotonic() + seconds
    while not stop() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.1))


def cycle(directory: Path, db: Path, files: ReadyFiles, config: WatchConfig) -> StepResult | None:
    """One look: ingest the ready files not taken yet, score what is pending, deliver alerts."""
    ready = files.poll(directory)
    try:
        store = open_store(db)
    except StoreError as exc:
        if "lock" not in str(exc).lower():
            raise
        log.warning("store busy, trying again next cycle: %s", exc)
        return None
    with store:
        taken = taken_files(store)
        for path, signature in ready:
            if taken.get(str(path)) != signature:
                _take(store, path, signature, config)
        result = None
        if pending_sources(store) or (needs_baseline(store) and _has_posts(store)):
            result = rescore(store, config.detect, config.rules)
            _report(result)
        if config.webhook:
            deliver(store, config.webhook)
    return result


def _take(store: Store, path: Path, signature: Signature, config: WatchConfig) -> None:
    report = ingest_paths(store, [path], format=config.format, mapping=config.mapping)
    done = report.files[0]
    name = printable(path.name)
    if done.error:
        record_taken(store, path, signature, "failed", done.error)
        log.error("could not ingest %s: %s", name, printable(done.error))
    elif done.skipped_as:
        record_taken(store, path, signature, "skipped", f"already ingested as {done.skipped_as}")
        log.info("took %s: already ingested as %s", name, printable(done.skipped_as))
    else:
        counts = done.counts
        detail = f"{counts.posts_new} new posts, {counts.rejected} rejected" if counts else ""
        record_taken(store, path, signature, "ingested", detail)
        log.info("took %s: %s", name, detail)


def _has_posts(store: Store) -> bool:
    return store.con.execute("SELECT count(*) FROM (SELECT 1 FROM posts LIMIT 1)").fetchone()[0] > 0


def _report(result: StepResult) -> None:
    scope = "whole graph" if result.whole_graph else f"{result.accounts_fused} accounts"
    log.info(
        "step %d: scored %d new posts from %d source(s)%s in %.1f s: %d edges changed, "
        "%d accounts touched, %s re-fused, %d campaign(s) re-scored%s",
        result.step,
        result.posts,
        result.sources,
        " (baseline: all posts)" if result.baseline else "",
        result.seconds.get("total", 0.0),
        result.edges_changed,
        result.accounts_touched,
        scope,
        len(result.campaigns),
        f"; no longer found: {', '.join(result.vanished)}" if result.vanished else "",
    )
