"""CSV exports of campaign accounts and of the evidence behind them, safe to open in a spreadsheet.

Two tables, zipped: `accounts.csv` (one row per campaign account) and `evidence.csv` (one row per post
pair that tied two accounts, with both texts and links). Two files rather than one with a type column,
because the two have nothing in common but the campaign id. Every cell goes through `safe_cell`, so a
handle or post such as `=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime

from unmask.documents.build import Dossier, Member
from unmask.documents.csv_safety import safe_cell

ACCOUNT_COLUMNS = (
    "campaign_id",
    "platform",
    "account_id",
    "handle",
    "display_name",
    "account_url",
    "profile_website",
    "created_at",
    "score",
    "signals",
    "flags",
    "posts",
    "first_post",
    "last_post",
)
EVIDENCE_COLUMNS = (
    "campaign_id",
    "signal",
    "key",
    "account_a",
    "post_a",
    "time_a",
    "url_a",
    "text_a",
    "account_b",
    "post_b",
    "time_b",
    "url_b",
    "text_b",
    "seconds_apart",
)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV with a header, rows ending in "\n"; each cell made inert by `safe_cell`.

    The writer's terminator is "\r\n" because the csv module quotes only cells holding its terminator's
    characters: a cell with a bare CR left unquoted ends the row in a spreadsheet, and the rest of the
    cell (`x\r=HYPERLINK(...)`) would start a new row as a live formula. Each row's "\r\n" becomes "\n".
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    lines = []
    for row in itertools.chain([header], ([safe_cell(_cell(value)) for value in row] for row in rows)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        lines.append(buffer.getvalue()[:-2] + "\n")
    return "".join(lines).encode("utf-8")


def _cell(value: object) -> object:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value


def flag_details(member: Member) -> str:
    """The account's raised flags with their detail, e.g. "creation_batch: created with 29 other ..."."""
    return "; ".join(f"{name}: {f.detail}" for name, f in sorted(member.features.items()) if f.flag)


def csv_files(dossiers: list[Dossier]) -> dict[str, bytes]:
    accounts = (
        (
            d.data.campaign_id,
            m.platform,
            m.account_id,
            m.handle,
            m.display_name,
            m.url,
            m.profile_url,
            m.created_at,
            m.score,
            ";".join(m.signals),
            flag_details(m),
            m.posts,
            m.first_post,
            m.last_post,
        )
        for d in dossiers
        for m in d.data.members
    )
    evidence = (
        (
            d.data.campaign_id,
            e.signal,
            e.key,
            e.a.acct,
            e.a.post_id,
            e.a.created_at,
            e.a.url,
            e.a.text,
            e.b.acct,
            e.b.post_id,
            e.b.created_at,
            e.b.url,
            e.b.text,
            abs(int((e.b.created_at - e.a.created_at).total_seconds())),
        )
        for d in dossiers
        for e in d.data.evidence
    )
    return {
        "accounts.csv": csv_bytes(ACCOUNT_COLUMNS, accounts),
        "evidence.csv": csv_bytes(EVIDENCE_COLUMNS, evidence),
    }
