"""The files `unmask detect --out DIR` writes: accounts.csv and campaigns.json (a scripting contract)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from unmask.campaigns.detect import DetectResult
from unmask.documents.csv_safety import safe_cell

ACCOUNTS_HEADER = ("platform", "account_id", "campaign_id", "score", "signals")


def write_outputs(result: DetectResult, out_dir: Path) -> tuple[Path, Path]:
    """Write DIR/accounts.csv (one row per account in a campaign) and DIR/campaigns.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    accounts_path = out_dir / "accounts.csv"
    with accounts_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACCOUNTS_HEADER)
        for campaign in result.campaigns:
            for member in campaign.members:
                writer.writerow(
                    [
                        safe_cell(member.platform),
                        safe_cell(member.account_id),
                        campaign.campaign_id,
                        f"{member.score:.4f}",
                        member.signal_list,
                    ]
                )
    campaigns_path = out_dir / "campaigns.json"
    summaries = [result.summaries[c.campaign_id] for c in result.campaigns]
    campaigns_path.write_text(
        json.dumps(summaries, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return accounts_path, campaigns_path
