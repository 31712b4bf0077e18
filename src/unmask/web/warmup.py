"""Build what the first analyst after a start or a new run would otherwise wait for, in the background.

The campaign list and the pages of the highest-scoring campaigns are rendered and kept per data version
(web/reads.py); every campaign's incident draft, built from all of its evidence pairs (seconds at 1M
posts), is kept likewise (web/queries.py). The serving process builds them right after start and again
whenever a new detection run or ingest changes the data version, each build through the app's own
readers-writer lock like any request; a round that finds everything built costs a few short reads.
"""

from __future__ import annotations

import logging
import threading

from unmask.errors import UnmaskError
from unmask.web.db import StoreAccess
from unmask.web.incidents import load_incident
from unmask.web.queries import CampaignFilter
from unmask.web.reads import kept_parts
from unmask.web.routes.campaigns import CAMPAIGN_PAGE, LIST_PAGE, campaign_context, list_context

log = logging.getLogger("unmask.web")
CHECK_SECONDS = 30.0
PAGES_WARMED = 8  # campaign pages rendered ahead, highest scores first (each is megabytes at 1M posts)


def _campaign_ids(access: StoreAccess) -> list[str]:
    with access.read() as store:
        rows = store.con.execute("SELECT campaign_id FROM campaigns ORDER BY score DESC, campaign_id")
        return [row[0] for row in rows.fetchall()]


def warm_pages(access: StoreAccess) -> int:
    """Render (and so keep) the campaign list and the top campaigns' pages; the number of pages."""
    flt = CampaignFilter()
    kept_parts(access, LIST_PAGE, (flt,), lambda store: list_context(store, flt))
    ids = _campaign_ids(access)[:PAGES_WARMED]
    for campaign_id in ids:
        kept_parts(
            access, CAMPAIGN_PAGE, (campaign_id,), lambda store, c=campaign_id: campaign_context(store, c)
        )
    return 1 + len(ids)


def warm_drafts(access: StoreAccess) -> int:
    """Load (and so build and keep) the incident of every stored campaign; the number loaded."""
    ids = _campaign_ids(access)
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
                warm_pages(access)
                warm_drafts(access)
            except UnmaskError as exc:  # a busy or changing store: the next round retries
                log.info("warm-up skipped: %s", exc)
            stop.wait(every)

    threading.Thread(target=loop, name="unmask-warmup", daemon=True).start()
    return stop
