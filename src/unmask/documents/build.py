"""From detection results to documents: a campaign's data read once from the store, and its incident.

Every export (DISARM page, STIX, MISP, graph, CSV, notices, HTML) starts from the same `CampaignData`
(members with their flags, edges, evidence pairs with post texts, the stored summary) and the same
`Incident`, so the formats cannot disagree about a campaign.

Incidents an analyst saved (e.g. after reviewing techniques) live in the `incidents` table and are used
instead of a freshly built one as long as the campaign still has the same accounts: detection numbers
campaigns anew on each run, so a saved incident is tied to the set of its accounts, not only its id.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote, unquote

from unmask.documents.catalogue import Catalogue
from unmask.documents.incident import Incident
from unmask.documents.techniques import infer_techniques, quote_text, target_label
from unmask.errors import NotFoundError
from unmask.store import Store

FOUND_VIA = "unmask coordination detection"
NAMESPACE = uuid.UUID("5b0a0a8e-6d0b-4c39-9f3c-1f7e6b2f4d11")  # uuid5 namespace of unmask's exported ids
INCIDENT_PREFIX = "U-"
# Public link patterns per platform; ids are percent-encoded, so hostile ids cannot change the link.
_POST_URLS = {
    "x": "https://x.com/i/status/{id}",
    "twitter": "https://x.com/i/status/{id}",
    "facebook": "https://www.facebook.com/{id}",
    "instagram": "https://www.instagram.com/p/{id}/",
    "youtube": "https://www.youtube.com/watch?v={id}",
    "reddit": "https://www.reddit.com/comments/{id}",
}
_ACCOUNT_URLS = {
    "x": "https://x.com/i/user/{id}",
    "twitter": "https://x.com/i/user/{id}",
    "facebook": "https://www.facebook.com/profile.php?id={id}",
    "youtube": "https://www.youtube.com/channel/{id}",
}


def _link_readers(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Each link pattern as a regex capturing the (percent-encoded) id, to read an id back from a link."""
    readers = []
    for pattern in dict.fromkeys(patterns):
        prefix, _, suffix = pattern.partition("{id}")
        readers.append(re.compile(re.escape(prefix) + "(.*)" + re.escape(suffix)))
    return tuple(readers)


_LINK_READERS = _link_readers([*_POST_URLS.values(), *_ACCOUNT_URLS.values()])


def post_url(platform: str, post_id: str) -> str:
    """The public link of a post, or "" for a platform whose links unmask does not know."""
    pattern = _POST_URLS.get(platform.lower())
    return pattern.format(id=quote(post_id, safe="")) if pattern else ""


def account_url(platform: str, account_id: str) -> str:
    """The account's page on its platform, or "" where unmask does not know the pattern.

    Never the `profile_url` of the data: exports fill it with the website the account owner typed in
    (X's `url`, the IO archive's `user_profile_url`), a link the operator chose.
    """
    pattern = _ACCOUNT_URLS.get(platform.lower())
    return pattern.format(id=quote(account_id, safe="")) if pattern else ""


def ids_in_ref(ref: str) -> set[str]:
    """Every post or account id that `ref` may cite, as documents cite them (`PostRef.ref`,
    `Member.ref`): the bare id, the id after a `platform:` prefix, or the id in a link. A superset, for
    looking the candidates up in the store instead of listing every reference a campaign has."""
    found = {ref, *(ref[i + 1 :] for i, char in enumerate(ref) if char == ":")}
    for reader in _LINK_READERS:
        match = reader.fullmatch(ref)
        if match:
            found.add(unquote(match.group(1)))
    return found


def markup_to_text(markup: str) -> str:
    """Page markup (as Incident fields hold it) as plain text, for formats that escape on their own."""
    text = re.sub(r"<br\s*/?>", "\n", markup, flags=re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def html_safe_json(text: str) -> str:
    """JSON with `<`, `>`, `&` as \\u escapes (they only occur in strings, where the escapes mean the same
    characters), so a viewer that shows the JSON as HTML cannot run what it quotes."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


@dataclass(frozen=True, slots=True)
class PostRef:
    """A post quoted as evidence."""

    platform: str
    post_id: str
    account_id: str
    created_at: datetime
    text: str
    text_norm: str = ""

    @property
    def acct(self) -> str:
        return f"{self.platform}:{self.account_id}"

    @property
    def url(self) -> str:
        return post_url(self.platform, self.post_id)

    @property
    def ref(self) -> str:
        """How documents cite the post: its link, or platform:post_id where no link is known."""
        return self.url or f"{self.platform}:{self.post_id}"


@dataclass(frozen=True, slots=True)
class Feature:
    value: float
    flag: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Member:
    """A campaign account with what the store knows about it."""

    platform: str
    account_id: str
    handle: str | None
    display_name: str | None
    created_at: datetime | None
    profile_url: str | None  # the website in the profile, as the account owner typed it
    score: float
    signals: tuple[str, ...]
    features: dict[str, Feature]
    posts: int
    first_post: datetime | None
    last_post: datetime | None

    @property
    def acct(self) -> str:
        return f"{self.platform}:{self.account_id}"

    @property
    def label(self) -> str:
        return f"@{self.handle}" if self.handle else self.acct

    @property
    def url(self) -> str:
        return account_url(self.platform, self.account_id)

    @property
    def ref(self) -> str:
        return self.url or self.acct

    def flagged(self, feature: str) -> bool:
        found = self.features.get(feature)
        return bool(found and found.flag)


@dataclass(frozen=True, slots=True)
class Edge:
    signal: str
    a: str
    b: str
    weight: float
    actions: int
    first_ts: datetime
    last_ts: datetime


@dataclass(frozen=True, slots=True)
class EvidencePair:
    """Two posts that tied two accounts for one signal (same text, same target, ...)."""

    signal: str
    key: str
    a: PostRef
    b: PostRef


@dataclass(frozen=True)
class CampaignData:
    campaign_id: str
    score: float
    summary: dict[str, Any]
    members: tuple[Member, ...]
    edges: tuple[Edge, ...]
    evidence: tuple[EvidencePair, ...]
    example_posts: dict[str, PostRef]  # narrative example posts, by post id
    platform_examples: tuple[PostRef, ...]  # each platform's first campaign post
    engagement_examples: tuple[PostRef, ...]  # replies/reposts from one member to another
    run_at: datetime  # when the detection run finished: the documents' date
    windows: dict[str, int]  # per-signal time windows the run overrode (seconds)

    @property
    def fingerprint(self) -> str:
        """What ties saved documents and STIX ids to this campaign (see `members_fingerprint`)."""
        return members_fingerprint(m.acct for m in self.members)

    @property
    def incident_id(self) -> str:
        return INCIDENT_PREFIX + self.campaign_id

    def member(self, acct: str) -> Member | None:
        return next((m for m in self.members if m.acct == acct), None)


def members_fingerprint(accts: Iterable[str]) -> str:
    """sha256 of the sorted account keys: what ties saved documents and STIX ids to a campaign."""
    return hashlib.sha256("\n".join(sorted(accts)).encode()).hexdigest()


class CampaignKey(Protocol):
    """What a saved incident is tied to: the campaign's id and the fingerprint of its accounts."""

    @property
    def campaign_id(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...


@dataclass(frozen=True, slots=True)
class CampaignRef:
    """A campaign's key read without its data (see `campaign_ref`)."""

    campaign_id: str
    fingerprint: str


def campaign_ref(store: Store, campaign_id: str) -> CampaignRef:
    """The campaign's id and account fingerprint from two small queries; NotFoundError as load_campaign."""
    if store.con.execute("SELECT 1 FROM campaigns WHERE campaign_id = ?", [campaign_id]).fetchone() is None:
        raise _no_campaign(store, campaign_id)
    accts = store.con.execute(
        "SELECT platform || ':' || account_id FROM campaign_accounts WHERE campaign_id = ?", [campaign_id]
    ).fetchall()
    return CampaignRef(campaign_id, members_fingerprint(acct for (acct,) in accts))


def data_version(store: Store) -> tuple[Any, ...]:
    """A value that changes whenever what `load_campaign` reads may have: with each `unmask detect` run
    (detect_runs is replaced with the results) and each ingest (posts and accounts added, files in the
    ledger). Documents built from detection results can be cached under it."""
    row = store.con.execute(
        """SELECT (SELECT string_agg(concat_ws('|', run_id, started_at, finished_at), ';'
                                     ORDER BY finished_at, started_at) FROM detect_runs),
                  (SELECT count(*) FROM posts), (SELECT count(*) FROM accounts),
                  (SELECT count(*) FROM sources), (SELECT max(ingested_at) FROM sources)"""
    ).fetchone()
    return tuple(row or ())


def _no_campaign(store: Store, campaign_id: str) -> NotFoundError:
    return NotFoundError(f"no campaign {campaign_id!r} in {store.path}; run `unmask detect` first")


def campaign_ids(store: Store) -> list[str]:
    return [
        row[0]
        for row in store.con.execute("SELECT campaign_id FROM campaigns ORDER BY campaign_id").fetchall()
    ]


# Every query below is about one campaign ($1): `m` is its accounts. A CTE, not a temp table, so that
# several requests can share a connection.
_MEMBERS = (
    "WITH m AS (SELECT platform, account_id, score, signals, platform || ':' || account_id AS acct "
    "FROM campaign_accounts WHERE campaign_id = $1) "
)


# The campaign's evidence pairs `ev`: both accounts are members; each side as platform, post, account, time.
_EVIDENCE = (
    _MEMBERS
    + """, ev AS (
        SELECT e.signal, coalesce(e.key, '') AS key,
               ma.platform AS platform_a, e.post_a, ma.account_id AS account_a, e.ts_a,
               mb.platform AS platform_b, e.post_b, mb.account_id AS account_b, e.ts_b
        FROM evidence e JOIN m ma ON ma.acct = e.a JOIN m mb ON mb.acct = e.b
    ) """
)


def load_campaign(store: Store, campaign_id: str) -> CampaignData:
    """Everything the documents need about one campaign; NotFoundError when detection did not find it."""
    con = store.con
    row = con.execute("SELECT score, summary FROM campaigns WHERE campaign_id = ?", [campaign_id]).fetchone()
    if row is None:
        raise _no_campaign(store, campaign_id)
    run = con.execute(
        "SELECT finished_at, params FROM detect_runs ORDER BY finished_at DESC LIMIT 1"
    ).fetchone()
    summary = json.loads(row[1])
    examples = [str(n["example_post_id"]) for n in summary.get("narratives", []) if n.get("example_post_id")]
    engaged = "coalesce(p.repost_of_account_id, p.reply_to_account_id)"
    return CampaignData(
        campaign_id=campaign_id,
        score=float(row[0]),
        summary=summary,
        members=_members(store, campaign_id),
        edges=tuple(
            Edge(*r)
            for r in con.execute(
                _MEMBERS + "SELECT e.signal, e.a, e.b, e.weight, e.actions, e.first_ts, e.last_ts "
                "FROM signal_edges e JOIN m ma ON ma.acct = e.a JOIN m mb ON mb.acct = e.b "
                "ORDER BY e.signal, e.a, e.b",
                [campaign_id],
            ).fetchall()
        ),
        evidence=_evidence(store, campaign_id),
        example_posts={
            p.post_id: p for p in _posts(store, campaign_id, "p.post_id IN (SELECT unnest($2))", [examples])
        },
        platform_examples=_posts(
            store,
            campaign_id,
            "true QUALIFY row_number() OVER (PARTITION BY p.platform ORDER BY p.created_at, p.post_id) = 1",
        ),
        engagement_examples=_posts(
            store,
            campaign_id,
            f"{engaged} <> p.account_id AND EXISTS "
            f"(SELECT 1 FROM m t WHERE t.platform = p.platform AND t.account_id = {engaged})",
            limit=5,
        ),
        run_at=run[0] if run and run[0] else datetime.now(UTC).replace(tzinfo=None),
        windows=json.loads(run[1]).get("windows", {}) if run and run[1] else {},
    )


def _members(store: Store, campaign_id: str) -> tuple[Member, ...]:
    con = store.con
    features: dict[str, dict[str, Feature]] = {}
    for acct, feature, value, flag, detail in con.execute(
        _MEMBERS + "SELECT f.acct, f.feature, f.value, f.flag, f.detail FROM account_features f "
        "JOIN m ON m.acct = f.acct ORDER BY f.acct, f.feature",
        [campaign_id],
    ).fetchall():
        features.setdefault(acct, {})[feature] = Feature(float(value or 0.0), bool(flag), detail or "")
    rows = con.execute(
        _MEMBERS
        + """, activity AS (
               SELECT p.platform, p.account_id, count(*) AS n, min(p.created_at) AS first_post,
                      max(p.created_at) AS last_post
               FROM posts p JOIN m USING (platform, account_id) GROUP BY ALL)
           SELECT m.platform, m.account_id, a.handle, a.display_name, a.created_at, a.profile_url, m.score,
                  m.signals, coalesce(t.n, 0), t.first_post, t.last_post
           FROM m
           LEFT JOIN accounts a ON a.platform = m.platform AND a.account_id = m.account_id
           LEFT JOIN activity t ON t.platform = m.platform AND t.account_id = m.account_id
           ORDER BY m.score DESC, m.platform, m.account_id""",
        [campaign_id],
    ).fetchall()
    return tuple(
        Member(
            platform=r[0],
            account_id=r[1],
            handle=r[2],
            display_name=r[3],
            created_at=r[4],
            profile_url=r[5],
            score=float(r[6]),
            signals=tuple(s for s in (r[7] or "").split(";") if s),
            features=features.get(f"{r[0]}:{r[1]}", {}),
            posts=int(r[8]),
            first_post=r[9],
            last_post=r[10],
        )
        for r in rows
    )


def _evidence(store: Store, campaign_id: str) -> tuple[EvidencePair, ...]:
    """The campaign's evidence pairs in document order.

    Each cited post becomes one PostRef that every pair citing it shares, and post texts are read once
    per post: a 1M-post campaign has ~145k pairs over ~35k posts, and making Python objects (not the
    query) was most of the time.
    """
    pairs = store.con.execute(
        _EVIDENCE + "SELECT * FROM ev ORDER BY signal, ts_a, post_a, post_b", [campaign_id]
    ).fetchall()
    # The posts are looked up by the ids the evidence names (a semi-join), not joined whole twice.
    texts = {
        (platform, post_id): (text, text_norm)
        for platform, post_id, text, text_norm in store.con.execute(
            _EVIDENCE + "SELECT platform, post_id, coalesce(text, ''), coalesce(text_norm, '') FROM posts "
            "SEMI JOIN (SELECT post_a AS post_id FROM ev UNION SELECT post_b FROM ev) USING (post_id)",
            [campaign_id],
        ).fetchall()
    }
    refs: dict[tuple[str, str, str, datetime], PostRef] = {}

    def ref(platform: str, post_id: str, account_id: str, created_at: datetime) -> PostRef:
        key = (platform, post_id, account_id, created_at)
        found = refs.get(key)
        if found is None:
            found = refs[key] = PostRef(*key, *texts.get((platform, post_id), ("", "")))
        return found

    return tuple(EvidencePair(r[0], r[1], ref(*r[2:6]), ref(*r[6:10])) for r in pairs)


def _posts(
    store: Store, campaign_id: str, condition: str, params: list[Any] | None = None, *, limit: int = 1000
) -> tuple[PostRef, ...]:
    """Campaign members' posts matching `condition` (SQL over posts `p` written in this module)."""
    rows = store.con.execute(
        _MEMBERS + "SELECT p.platform, p.post_id, p.account_id, p.created_at, coalesce(p.text, ''), "
        "coalesce(p.text_norm, '') FROM posts p JOIN m USING (platform, account_id) "
        f"WHERE {condition} ORDER BY p.created_at, p.post_id LIMIT {int(limit)}",
        [campaign_id, *(params or [])],
    ).fetchall()
    return tuple(PostRef(*row) for row in rows)


@dataclass(frozen=True)
class Dossier:
    """A campaign's data and its incident: what every export is written from."""

    data: CampaignData
    incident: Incident


def load_dossiers(store: Store, campaign_id: str | None, *, catalogue: Catalogue) -> list[Dossier]:
    """One campaign's dossier, or every campaign's; NotFoundError when there is none."""
    ids = [campaign_id] if campaign_id else campaign_ids(store)
    if not ids:
        raise NotFoundError(f"no campaigns in {store.path}; run `unmask detect` first")
    dossiers = []
    for cid in ids:
        data = load_campaign(store, cid)
        dossiers.append(Dossier(data, build_incident(store, cid, catalogue=catalogue, data=data)))
    return dossiers


def build_incident(
    store: Store, campaign_id: str, *, catalogue: Catalogue, data: CampaignData | None = None
) -> Incident:
    """The campaign as a DISARM incident: the saved one if an analyst saved it, else built from the data."""
    data = data or load_campaign(store, campaign_id)
    return saved_incident(store, data) or new_incident(data, catalogue=catalogue)


def new_incident(data: CampaignData, *, catalogue: Catalogue) -> Incident:
    """An incident written from the campaign's own figures, with inferred (unreviewed) techniques."""
    start = data.summary.get("time_span", {}).get("start") or ""
    return Incident(
        id=data.incident_id,
        name=campaign_name(data),
        summary=campaign_summary(data),
        incident_type="campaign",
        year_started=start[:4],
        found_via=FOUND_VIA,
        date_added=data.run_at.date().isoformat(),
        techniques=infer_techniques(data, catalogue),
        catalogue_version=catalogue.version,
    )


def campaign_name(data: CampaignData) -> str:
    span = data.summary.get("time_span", {})
    platforms = ", ".join(sorted(data.summary.get("platforms", {}))) or "no platform"
    months = sorted({(span.get("start") or "")[:7], (span.get("end") or "")[:7]} - {""})
    return f"Coordinated campaign {data.campaign_id}: {len(data.members)} accounts on {platforms}" + (
        f", {' to '.join(months)}" if months else ""
    )


def campaign_summary(data: CampaignData) -> str:
    """The summary paragraph, from the summary JSON only (figures, dates, targets, narratives)."""
    s = data.summary
    span = s.get("time_span", {})
    platforms = ", ".join(f"{p} ({n} posts)" for p, n in sorted(s.get("platforms", {}).items()))
    languages = ", ".join(f"{html.escape(lang)} {n}" for lang, n in list(s.get("languages", {}).items())[:5])
    sentences = [
        f"unmask's coordination detection found {len(data.members)} accounts acting together: they posted "
        f"{s.get('posts', 0)} posts on {platforms or 'no platform'} between {_day(span.get('start'))} and "
        f"{_day(span.get('end'))} (languages: {languages or 'unknown'})."
    ]
    bursts = s.get("bursts", [])
    if bursts:
        top = max(bursts, key=lambda b: (b["posts"], b["start"]))
        sentences.append(
            f"Activity came in {len(bursts)} burst(s) of at least twice the campaign's median daily volume; "
            f"the largest began on {top['start']} ({top['posts']} posts, {top['intensity']}x the median)."
        )
    targets = s.get("targets", [])[:3]
    if targets:
        named = "; ".join(
            f"{target_label(t)} ({t['campaign_replies']} replies, {t['campaign_share']:.1%} of all replies "
            "it received)"
            for t in targets
        )
        sentences.append(f"The accounts replied most to {named}.")
    narratives = s.get("narratives", [])
    if narratives:
        top = narratives[0]
        sentences.append(
            f"{len(narratives)} text template(s) were repeated; the largest ({top['posts']} posts) reads "
            f"{quote_text(top.get('example'))} (post {html.escape(str(top.get('example_post_id')))})."
        )
    components = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in s.get("components", {}).items())
    sentences.append(
        f"Signals: {', '.join(s.get('signals', [])) or 'none'}; campaign score {data.score} ({components})."
    )
    return " ".join(sentences)


def _day(timestamp: str | None) -> str:
    return (timestamp or "?")[:10]


def saved_incident(store: Store, data: CampaignKey) -> Incident | None:
    """The incident saved for this campaign, if any and if it still has the same accounts."""
    row = store.con.execute(
        "SELECT members_sha256, incident_json FROM incidents WHERE campaign_id = ?", [data.campaign_id]
    ).fetchone()
    if row is None:
        return None
    if row[0] != data.fingerprint:
        warnings.warn(
            f"the incident saved for {data.campaign_id} was written for other accounts (detection was run "
            "again): building a new one",
            stacklevel=2,
        )
        return None
    return Incident.from_dict(json.loads(row[1]))


def save_incident(store: Store, data: CampaignKey, incident: Incident, *, updated_by: str) -> None:
    """Save an (edited) incident for the campaign; later documents use it instead of a built one."""
    store.con.execute(
        "INSERT OR REPLACE INTO incidents VALUES (?, ?, ?, ?, ?)",
        [
            data.campaign_id,
            data.fingerprint,
            json.dumps(incident.to_dict(), ensure_ascii=False),
            datetime.now(UTC).replace(tzinfo=None),
            updated_by,
        ],
    )
