"""What a campaign's own material is, for the linter: its accounts' posts, as texts, ids and links."""

from __future__ import annotations

from unmask.documents.build import account_url, post_url
from unmask.documents.lint import KnownEvidence
from unmask.store import Store

MAX_TEXTS = 2000  # quotes are checked against the campaign's earliest posts; enough for any page


def known_evidence(store: Store, campaign_id: str | None = None) -> KnownEvidence:
    """What a technique's evidence may cite and quote: the campaign's posts (by id, platform:id or
    link), its accounts (by platform:account_id or link) and its posts' texts — one campaign, or all."""
    where = "WHERE c.campaign_id = ?" if campaign_id else ""
    params = [campaign_id] if campaign_id else []
    rows = store.con.execute(
        f"""SELECT p.platform, p.post_id, p.text FROM posts p
            JOIN campaign_accounts c ON c.platform = p.platform AND c.account_id = p.account_id {where}
            ORDER BY p.created_at, p.post_id""",
        params,
    ).fetchall()
    accounts = store.con.execute(
        f"SELECT platform, account_id FROM campaign_accounts c {where}", params
    ).fetchall()
    ids: set[str] = set()
    for platform, post_id, _text in rows:
        ids.update((post_id, f"{platform}:{post_id}", post_url(platform, post_id)))
    for platform, account_id in accounts:
        ids.update((f"{platform}:{account_id}", account_url(platform, account_id)))
    texts = tuple(text for _p, _pid, text in rows[:MAX_TEXTS] if text)
    return KnownEvidence(texts=texts, ids=frozenset(ids - {""}))
