"""What a campaign's own material is, for the linter: its accounts' posts, as texts, ids and links."""

from __future__ import annotations

from collections.abc import Collection

from unmask.documents.build import account_url, ids_in_ref, post_url
from unmask.documents.lint import KnownEvidence
from unmask.store import Store

MAX_TEXTS = 2000  # quotes are checked against the campaign's earliest posts; enough for any page

# The campaign's (or, with $campaign NULL, every campaign's) accounts `c` and their posts `p`.
_POSTS = (
    "FROM posts p JOIN campaign_accounts c ON c.platform = p.platform AND c.account_id = p.account_id "
    "WHERE ($campaign IS NULL OR c.campaign_id = $campaign)"
)


def known_evidence(
    store: Store, campaign_id: str | None = None, *, cited: Collection[str] | None = None
) -> KnownEvidence:
    """What a technique's evidence may cite and quote: the campaign's posts (by id, platform:id or
    link), its accounts (by platform:account_id or link) and its posts' texts — one campaign, or all.

    With `cited` (the references a page gives), `ids` holds just those of them that are the campaign's,
    looked up by the ids they may name: the linter asks about nothing else, and a 1M-post campaign has
    hundreds of thousands of references.
    """
    con = store.con
    candidates = None if cited is None else sorted(set().union(*(ids_in_ref(ref) for ref in cited)))
    params = {"campaign": campaign_id or None, "ids": candidates}
    posts = con.execute(
        f"SELECT p.platform, p.post_id {_POSTS} AND ($ids IS NULL OR p.post_id IN (SELECT unnest($ids)))",
        params,
    ).fetchall()
    accounts = con.execute(
        "SELECT platform, account_id FROM campaign_accounts c WHERE ($campaign IS NULL OR campaign_id = "
        "$campaign) AND ($ids IS NULL OR account_id IN (SELECT unnest($ids)))",
        params,
    ).fetchall()
    texts = con.execute(
        f"SELECT p.text {_POSTS} ORDER BY p.created_at, p.post_id LIMIT {MAX_TEXTS}",
        {"campaign": params["campaign"]},
    ).fetchall()
    ids: set[str] = set()
    for platform, post_id in posts:
        ids.update((post_id, f"{platform}:{post_id}", post_url(platform, post_id)))
    for platform, account_id in accounts:
        ids.update((f"{platform}:{account_id}", account_url(platform, account_id)))
    if cited is not None:
        ids.intersection_update(cited)
    return KnownEvidence(texts=tuple(text for (text,) in texts if text), ids=frozenset(ids - {""}))
