"""Notices to the people a campaign targeted: what was seen on their account, and whether it looks unsafe.

One self-contained HTML notice per targeted account, zipped. Each says how many campaign replies the
account received and what share of all the replies it received that is, quotes examples, lists the
accounts that sent them, and gives a safety assessment by a simple rule that the notice spells out:

- threat: a reply contains a word or phrase of violence or threat (THREAT_WORDS, THREAT_PHRASES, in
  English and French), e.g. "kill", "shoot", "we know where you live";
- personal data: a reply contains what looks like a phone number, an e-mail address, a street address
  or words such as "home address" (doxxing indicators);
- volume: the account received at least VOLUME_REPLIES campaign replies, or campaign replies were at
  least VOLUME_SHARE of all replies it received.

Any threat or personal-data match gives "high: possible threat to safety"; otherwise volume gives
"elevated: harassment by volume"; otherwise "low". Keyword checks miss threats in other languages,
images and context, and can match harmless uses ("dead wrong"): the notice says so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from unmask.documents.build import Dossier, PostRef
from unmask.documents.html_report import render_page
from unmask.store import Store

VOLUME_REPLIES = 20
VOLUME_SHARE = 0.25
EXAMPLES = 5
THREAT_WORDS = (
    "kill", "killed", "murder", "shoot", "shot", "stab", "bomb", "hang", "lynch", "behead", "execute",
    "rape", "die", "dead", "bullet", "gun", "tuer", "mort", "crever", "abattre", "pendre", "égorger",
)  # fmt: skip
THREAT_PHRASES = (
    "we know where you live", "watch your back", "you will pay", "you'll pay", "your family",
    "on sait où tu habites", "on sait où vous habitez", "tu vas payer", "vous allez payer",
)  # fmt: skip
_THREAT = re.compile(
    r"\b(?:" + "|".join(map(re.escape, THREAT_WORDS)) + r")\b|" + "|".join(map(re.escape, THREAT_PHRASES)),
    re.IGNORECASE,
)
_PERSONAL_DATA = re.compile(
    r"\+?\d[\d ().-]{7,}\d"  # phone number
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"  # e-mail address
    r"|\b\d{1,5}\s+(?:[\w'-]+\s+){0,3}(?:street|st|avenue|ave|road|rd|drive|dr|boulevard|blvd|rue|chemin)\b"
    r"|\b(?:home address|lives at|where (?:he|she|they) lives?|adresse personnelle|domicile)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Assessment:
    level: str  # "high", "elevated" or "low"
    headline: str
    threats: tuple[PostRef, ...]
    personal_data: tuple[PostRef, ...]
    heavy_volume: bool


@dataclass
class CampaignTargeting:
    """What one campaign did to one targeted account."""

    campaign_id: str
    incident_id: str
    incident_name: str
    replies: int
    all_replies: int
    share: float
    posts: list[PostRef]
    senders: list[str]


@dataclass
class Notice:
    platform: str
    account_id: str
    handle: str | None
    campaigns: list[CampaignTargeting] = field(default_factory=list)
    senders: dict[str, str] = field(default_factory=dict)  # sender acct -> @handle or acct

    @property
    def label(self) -> str:
        return f"@{self.handle} ({self.platform}:{self.account_id})" if self.handle else self.acct

    @property
    def acct(self) -> str:
        return f"{self.platform}:{self.account_id}"


def assess(notice: Notice) -> Assessment:
    """The safety rule of the module docstring, applied to every campaign reply the account received."""
    posts = [post for c in notice.campaigns for post in c.posts]
    threats = tuple(p for p in posts if _THREAT.search(p.text))
    personal = tuple(p for p in posts if _PERSONAL_DATA.search(p.text))
    heavy = any(c.replies >= VOLUME_REPLIES or c.share >= VOLUME_SHARE for c in notice.campaigns)
    if threats or personal:
        level, headline = "high", "Possible threat to your safety"
    elif heavy:
        level, headline = "elevated", "Harassment by volume; no threat or personal data seen"
    else:
        level, headline = "low", "No threat, no personal data and no heavy volume seen"
    return Assessment(level, headline, threats, personal, heavy)


def collect_notices(store: Store, dossiers: list[Dossier]) -> list[Notice]:
    """One notice per account any of the campaigns targeted, with each campaign's replies to it."""
    notices: dict[tuple[str, str], Notice] = {}
    for dossier in dossiers:
        labels = {m.acct: m.label for m in dossier.data.members}
        for target in dossier.data.summary.get("targets", []):
            key = (target["platform"], target["account_id"])
            notice = notices.setdefault(key, Notice(*key, target.get("handle")))
            posts = _replies(store, dossier.data.campaign_id, *key)
            notice.senders.update({p.acct: labels.get(p.acct, p.acct) for p in posts})
            notice.campaigns.append(
                CampaignTargeting(
                    campaign_id=dossier.data.campaign_id,
                    incident_id=dossier.incident.id,
                    incident_name=dossier.incident.name,
                    replies=target["campaign_replies"],
                    all_replies=target["all_replies"],
                    share=target["campaign_share"],
                    posts=posts,
                    senders=sorted({labels.get(p.acct, p.acct) for p in posts}),
                )
            )
    return [notices[key] for key in sorted(notices)]


def _replies(store: Store, campaign_id: str, platform: str, account_id: str) -> list[PostRef]:
    rows = store.con.execute(
        """SELECT p.platform, p.post_id, p.account_id, p.created_at, coalesce(p.text, ''),
                  coalesce(p.text_norm, '')
           FROM posts p JOIN campaign_accounts m
             ON m.platform = p.platform AND m.account_id = p.account_id AND m.campaign_id = ?
           WHERE p.platform = ? AND p.reply_to_account_id = ? AND p.account_id <> p.reply_to_account_id
           ORDER BY p.created_at, p.post_id""",
        [campaign_id, platform, account_id],
    ).fetchall()
    return [PostRef(*row) for row in rows]


def notice_files(store: Store, dossiers: list[Dossier]) -> dict[str, bytes]:
    """notice-<platform>-<account>.html per targeted account (names reduced to safe characters)."""
    files: dict[str, bytes] = {}
    run_at = max(d.data.run_at for d in dossiers)
    for notice in collect_notices(store, dossiers):
        name = f"notice-{_safe_name(notice.platform)}-{_safe_name(notice.account_id)}.html"
        if name in files:  # two ids reduced to the same name
            name = name.replace(".html", f"-{len(files)}.html")
        files[name] = render_notice(notice, run_at).encode("utf-8")
    return files


def render_notice(notice: Notice, run_at: datetime) -> str:
    return render_page("notice.html.j2", **notice_context(notice, run_at))


def notice_context(notice: Notice, run_at: datetime) -> dict[str, Any]:
    posts = [p for c in notice.campaigns for p in c.posts]
    matched: dict[str, list[str]] = defaultdict(list)
    assessment = assess(notice)
    for post in assessment.threats:
        matched[post.post_id].append("threat or violence words")
    for post in assessment.personal_data:
        matched[post.post_id].append("personal data")
    flagged = [p for p in posts if p.post_id in matched]
    examples = (flagged + [p for p in posts if p.post_id not in matched])[:EXAMPLES]
    return {
        "notice": notice,
        "assessment": assessment,
        "examples": examples,
        "matched": matched,
        "total_replies": sum(c.replies for c in notice.campaigns),
        "first": min((p.created_at for p in posts), default=None),
        "last": max((p.created_at for p in posts), default=None),
        "run_date": run_at.date().isoformat(),
        "volume_replies": VOLUME_REPLIES,
        "volume_share": VOLUME_SHARE,
        "threat_words": THREAT_WORDS,
        "threat_phrases": THREAT_PHRASES,
    }


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text).strip(".")[:80] or "_"
