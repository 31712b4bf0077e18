"""Build every campaign's incident draft in the background, so no analyst waits for the first one.

A draft is built from all of a campaign's evidence pairs (seconds at 1M posts) and then kept per data
version (web/queries.py). The serving process builds the drafts of the current run right after start
and again whenever a new detection run or ingest changes the data version, each build through the
app's own readers-writer lock like any request.
"""

from __future__ import annotations

import logging
import threading

from unmask.errors import UnmaskError
from unmask.web.db import StoreAccess
from unmask.web.incidents import load_incident

log = logging.getLogger("unmask.web")
CHECK_SECONDS = 30.0


def warm_drafts(access: StoreAccess) -> int:
    """Load (and so build and keep) the incident of every stored campaign; the number loaded."""
    with access.read() as store:
        ids = [row[0] for row in store.con.execute("SELECT campaign_id FROM campaigns").fetchall()]
    for campaign_id in ids:
        with access.read() as store:
            load_incident(store, campaign_id)
    return len(ids)


def start_warmup(access: StoreAccess, every: float = CHECK_SECONDS) -> threading.Event:
    """Warm now and every `every` seconds (cheap when nothing changed) until the event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                warm_drafts(access)
            except UnmaskError as exc:  # a busy or changing store: the next round retries
                log.info("incident warm-up skipped: %s", exc)
            stop.wait(every)

    threading.Thread(target=loop, name="unmask-warmup", daemon=True).start()
    return stop
