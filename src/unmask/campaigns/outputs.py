"""The files `unmask detect --out DIR` writes: accounts.csv and campaigns.json (a scripting contract)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from unmask.documents.csv_safety import safe_cell
from unmask.store import Store

ACCOUNTS_HEADER = ("platform", "account_id", "campaign_id", "score", "signals")


def write_outputs(store: Store, out_dir: Path) -> tuple[Path, Path]:
    """Write DIR/accounts.csv (one row per account in a campaign) and DIR/campaigns.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    accounts_path = out_dir / "accounts.csv"
    rows = store.con.execute(
        "SELECT platform, account_id, campaign_id, score, signals FROM campaign_accounts "
        "ORDER BY campaign_id, score DESC, platform, account_id"
    ).fetchall()
    with accounts_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACCOUNTS_HEADER)
        for platform, account_id, campaign_id, score, signals in rows:
            writer.writerow(
                [safe_cell(platform), safe_cell(account_id), campaign_id, f"{score:.4f}", signals]
            )
    campaigns_path = out_dir / "campaigns.json"
    summaries = [
        json.loads(summary)
        for (summary,) in store.con.execute("SELECT summary FROM campaigns ORDER BY campaign_id").fetchall()
    ]
    campaigns_path.write_text(json.dumps(summaries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return accounts_path, campaigns_path
