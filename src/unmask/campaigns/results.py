"""Writing a detection run into the store in one transaction: a reader never sees half a run."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from unmask.campaigns.score import CampaignScore
from unmask.store import Store
from unmask.store.db import rollback
from unmask.store.schema import RESULT_TABLES


def write_results(
    store: Store, campaigns: list[CampaignScore], summaries: dict[str, dict[str, Any]], *, run: dict[str, Any]
) -> None:
    """Replace every result table with this run's rows (temp tables `_run_*` hold edges and evidence)."""
    con = store.con
    campaign_rows = pa.table(
        {
            "campaign_id": [c.campaign_id for c in campaigns],
            "score": [c.score for c in campaigns],
            "accounts": [len(c.members) for c in campaigns],
            "posts": [summaries[c.campaign_id]["posts"] for c in campaigns],
            "summary": [json.dumps(summaries[c.campaign_id], default=str) for c in campaigns],
        },
        schema=pa.schema(
            [
                ("campaign_id", pa.string()),
                ("score", pa.float64()),
                ("accounts", pa.int64()),
                ("posts", pa.int64()),
                ("summary", pa.string()),
            ]
        ),
    )
    member_rows = pa.table(
        {
            "campaign_id": [c.campaign_id for c in campaigns for _m in c.members],
            "platform": [m.platform for c in campaigns for m in c.members],
            "account_id": [m.account_id for c in campaigns for m in c.members],
            "score": [m.score for c in campaigns for m in c.members],
            "signals": [m.signal_list for c in campaigns for m in c.members],
        },
        schema=pa.schema(
            [
                ("campaign_id", pa.string()),
                ("platform", pa.string()),
                ("account_id", pa.string()),
                ("score", pa.float64()),
                ("signals", pa.string()),
            ]
        ),
    )
    con.register("_new_campaigns", campaign_rows)
    con.register("_new_members", member_rows)
    try:
        con.execute("BEGIN TRANSACTION")
        for table in RESULT_TABLES:
            con.execute(f"DELETE FROM {table}")
        con.execute(
            "INSERT INTO detect_runs SELECT 1, ?, ?, ?, ?, ?, ?",
            [
                run["engine"],
                run["started_at"],
                run["finished_at"],
                run["posts"],
                run["accounts"],
                run["params"],
            ],
        )
        con.execute(
            "INSERT INTO signal_edges "
            "SELECT signal, a, b, weight, keys, actions, first_ts, last_ts FROM _run_edges"
        )
        con.execute("INSERT INTO evidence SELECT * FROM _run_evidence")
        con.execute("INSERT INTO account_features SELECT * FROM _run_features")
        con.execute("INSERT INTO campaigns SELECT * FROM _new_campaigns")
        con.execute("INSERT INTO campaign_accounts SELECT * FROM _new_members")
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    finally:
        con.unregister("_new_campaigns")
        con.unregister("_new_members")
