"""Camouflage: accounts whose originals are mostly stock texts that several accounts post."""

from __future__ import annotations

from datetime import datetime, timedelta

from unmask.engines.duckdb import DuckDBEngine
from unmask.ingest.records import Post
from unmask.ingest.writer import StagingWriter
from unmask.signals.camouflage import camouflage
from unmask.store import Store

T0 = datetime(2023, 9, 1)
STOCK = [f"what a beautiful sunset over the {lake}" for lake in ("lake", "sea", "hills", "bay")]


def test_stock_fillers_flag_their_posters_but_not_replies_or_own_words(store: Store) -> None:
    writer = StagingWriter(store.con, "t")
    n = 0

    def post(account: str, text: str, **kw: str) -> None:
        nonlocal n
        n += 1
        writer.add(Post("x", str(n), account, T0 + timedelta(minutes=n), text=text, **kw))

    for account, word in (("op1", "alpha"), ("op2", "bravo"), ("op3", "charlie")):
        for text in STOCK:
            post(account, text)
        post(account, f"my own words about the weather today, {word}")
    for text in STOCK:  # the same texts as replies are not filler originals
        post("fan", text, reply_to_post_id="1")
    for word in ("red", "green", "blue", "amber", "violet"):
        post("plain", f"an original thought of my own, all {word} today")
    writer.finish()
    rows = DuckDBEngine(store).to_arrow(camouflage(DuckDBEngine(store))).to_pylist()
    flagged = {r["acct"] for r in rows if r["flag"]}
    assert flagged == {"x:op1", "x:op2", "x:op3"}
    op1 = next(r for r in rows if r["acct"] == "x:op1")
    assert op1["value"] == 4 / 5 and op1["detail"].startswith("4 of 5 originals")
    assert "x:fan" not in {r["acct"] for r in rows}
