"""Takedown lists for platform trust-and-safety teams: which accounts, why, and the posts that show it.

One CSV with a platform column (sorted by platform, so each team takes its rows): the account, its
profile link, campaign and score, the reasons in words (signals and flag details), and links to up to
EVIDENCE_POSTS of its own posts that tied it to other campaign accounts.
"""

from __future__ import annotations

from unmask.documents.build import CampaignData, Dossier, Member
from unmask.documents.tabular import csv_bytes, flag_details

EVIDENCE_POSTS = 5
COLUMNS = (
    "platform",
    "account_id",
    "handle",
    "account_url",
    "campaign_id",
    "score",
    "reasons",
    "evidence_posts",
    "first_post",
    "last_post",
)


def evidence_posts(data: CampaignData, member: Member) -> list[str]:
    """Links (or platform:post_id) of the member's own posts in the evidence, earliest first."""
    own = sorted(
        {(p.created_at, p.post_id, p.ref) for e in data.evidence for p in (e.a, e.b) if p.acct == member.acct}
    )
    return [ref for _, _, ref in own[:EVIDENCE_POSTS]]


def takedown_csv(dossiers: list[Dossier]) -> bytes:
    rows = sorted(
        (
            (
                m.platform,
                m.account_id,
                m.handle,
                m.url,
                d.data.campaign_id,
                m.score,
                "; ".join(
                    filter(None, (", ".join(s for s in m.signals if s not in m.features), flag_details(m)))
                ),
                " ".join(evidence_posts(d.data, m)),
                m.first_post,
                m.last_post,
            )
            for d in dossiers
            for m in d.data.members
        ),
        key=lambda row: (row[0], row[4], -row[5], row[1]),
    )
    return csv_bytes(COLUMNS, rows)
