"""What a campaign's own material is, for the linter: its accounts' posts, as texts, ids and links."""

from __future__ import annotations

from unmask.documents.build import account_url, post_url
from unmask.documents.lint import KnownEvidence
from unmask.store import Store


def known_evidence(store: Store, campaign_id: str | None = None) -> KnownEvidence:
    """Texts, post ids, post links and account links of campaign accounts (one campaign, or all).

    Pages cite evidence by link (https://x.com/i/status/…) as well as by id: both count as the
    incident's own material.
    """
    where = "WHERE c.campaign_id = ?" if campaign_id else ""
    params = [campaign_id] if campaign_id else []
    rows = store.con.execute(
        f"""SELECT p.platform, p.post_id, p.text FROM posts p
            JOIN campaign_accounts c ON c.platform = p.platform AND c.account_id = p.account_id {where}""",
        params,
    ).fetchall()
    accounts = store.con.execute(
        f"SELECT platform, account_id FROM campaign_accounts c {where}", params
    ).fetchall()
    ids = {pid for _platform, pid, _text in rows}
    ids |= {post_url(platform, pid) for platform, pid, _text in rows}
    ids |= {account_url(platform, aid) for platform, aid in accounts}
    return KnownEvidence(texts=tuple(text for _p, _pid, text in rows if text), ids=frozenset(ids - {""}))
