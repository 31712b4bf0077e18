"""What a campaign's own material is, for the linter: the texts and ids of its accounts' posts."""

from __future__ import annotations

from unmask.documents.lint import KnownEvidence
from unmask.store import Store


def known_evidence(store: Store, campaign_id: str | None = None) -> KnownEvidence:
    """Texts and post ids of the posts of campaign accounts (of one campaign, or of all of them)."""
    where = "WHERE c.campaign_id = ?" if campaign_id else ""
    rows = store.con.execute(
        f"""SELECT p.post_id, p.text FROM posts p
            JOIN campaign_accounts c ON c.platform = p.platform AND c.account_id = p.account_id {where}""",
        [campaign_id] if campaign_id else [],
    ).fetchall()
    return KnownEvidence(
        texts=tuple(text for _pid, text in rows if text), ids=frozenset(pid for pid, _text in rows)
    )
