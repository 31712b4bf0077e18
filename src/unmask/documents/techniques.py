"""Technique inference: which DISARM techniques a detected campaign's behaviour suggests, and why.

The mapping (techniques.toml, versioned) says which behaviour suggests which technique id, from what
threshold. Everything else comes from elsewhere: technique names from the DISARM catalogue loaded at
run time, and each description from this campaign's own data (counts, dates, example accounts and
posts), so no passage can come from another incident. Inferred techniques are marked unreviewed.

Descriptions are page markup (see incident.py): data quoted in them goes through `quote_text`, which
escapes it, and each ends by naming its technique, as DISARM's own passages do.
"""

from __future__ import annotations

import html
import tomllib
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any

from unmask.documents.catalogue import Catalogue
from unmask.documents.incident import IncidentTechnique, TechniqueStatus
from unmask.errors import InputError
from unmask.signals.hijacked import MIN_DORMANCY_DAYS
from unmask.signals.registry import PAIR_SIGNALS

if TYPE_CHECKING:
    from unmask.documents.build import CampaignData, PostRef

MAPPING_PATH = Path(__file__).with_name("techniques.toml")
QUOTE_CHARS = 160  # longest post text quoted in a generated passage
NEW_ACCOUNT_DAYS = 90  # "newly created": registered at most this long before the account's first post
TARGET_MIN_REPLIES = 3  # a "targeted" account received at least this many campaign replies
EXAMPLES = 3  # examples (accounts, posts, targets) named in one description


def quote_text(text: str | None, limit: int = QUOTE_CHARS) -> str:
    """Hostile text as inert page markup: one line, shortened, `<` and `&` escaped, in quotes."""
    line = " ".join((text or "").split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return f"“{html.escape(line, quote=False)}”"


def target_label(target: dict[str, Any]) -> str:
    """A targeted account from the summary JSON as markup: @handle (platform:id), escaped."""
    account = html.escape(f"{target['platform']}:{target['account_id']}", quote=False)
    return f"@{html.escape(target['handle'], quote=False)} ({account})" if target.get("handle") else account


@dataclass(frozen=True, slots=True)
class Rule:
    technique_id: str
    behaviour: str
    threshold: float


@dataclass(frozen=True, slots=True)
class TechniqueMapping:
    version: str
    catalogue: str  # the DISARM release the ids were chosen from
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Observation:
    """What one behaviour measured in a campaign: the amount a threshold is compared with, the
    passage (markup) that shows it, and the posts or accounts it cites."""

    amount: float
    text: str
    evidence: tuple[str, ...]


Behaviour = Callable[["CampaignData"], Observation | None]


def load_mapping(path: str | Path = MAPPING_PATH) -> TechniqueMapping:
    """Read and check the mapping file; InputError names the first problem."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read technique mapping {path}: {exc}") from exc
    rules = []
    for number, item in enumerate(document.get("technique", []), start=1):
        if set(item) != {"id", "behaviour", "threshold"}:
            raise InputError(f"{path}: technique #{number} needs exactly id, behaviour and threshold")
        if item["behaviour"] not in BEHAVIOURS:
            raise InputError(f"{path}: technique #{number}: unknown behaviour {item['behaviour']!r}")
        if not isinstance(item["threshold"], int | float):
            raise InputError(f"{path}: technique #{number}: threshold must be a number")
        rules.append(Rule(str(item["id"]), item["behaviour"], float(item["threshold"])))
    ids = [rule.technique_id for rule in rules]
    if len(ids) != len(set(ids)):
        raise InputError(f"{path}: a technique id is listed twice")
    if not isinstance(document.get("version"), str) or not rules:
        raise InputError(f"{path}: needs a version string and at least one [[technique]]")
    return TechniqueMapping(document["version"], str(document.get("catalogue", "")), tuple(rules))


def infer_techniques(
    data: CampaignData, catalogue: Catalogue, mapping: TechniqueMapping | None = None
) -> list[IncidentTechnique]:
    """The techniques whose behaviour reaches its threshold in this campaign, with its own evidence."""
    mapping = mapping or load_mapping()
    missing = [rule.technique_id for rule in mapping.rules if rule.technique_id not in catalogue]
    if missing:
        warnings.warn(
            f"technique mapping {mapping.version} names ids {catalogue.version} lacks: {', '.join(missing)}",
            stacklevel=2,
        )
    found = []
    for rule in mapping.rules:
        observed = BEHAVIOURS[rule.behaviour](data)
        if observed is None or observed.amount < rule.threshold:
            continue
        name = catalogue.name(rule.technique_id)
        cited = f"{rule.technique_id}: {name}" if name else rule.technique_id
        found.append(
            IncidentTechnique(
                technique_id=rule.technique_id,
                description=f"{observed.text} ({html.escape(cited, quote=False)})",
                name=name,
                evidence=list(dict.fromkeys(observed.evidence)),
                status=TechniqueStatus.INFERRED,
            )
        )
    return sorted(found, key=lambda technique: technique.technique_id)


# --- behaviours: each measures one thing in the campaign and says it with the campaign's figures ---


def _post(post: PostRef) -> str:
    """A post cited in a passage: its text, id, author and day."""
    return (
        f"{quote_text(post.text)} (post {html.escape(post.post_id, quote=False)}, {post.created_at:%Y-%m-%d})"
    )


def _flagged(data: CampaignData, feature: str, lead: str, more: str = "") -> Observation | None:
    """Accounts carrying a detection flag, with the flag's own detail for the first examples."""
    flagged = [m for m in data.members if m.flagged(feature)]
    if not flagged:
        return None
    examples = "; ".join(
        f"{html.escape(m.label, quote=False)}: {html.escape(m.features[feature].detail, quote=False)}"
        for m in flagged[:EXAMPLES]
    )
    text = f"{len(flagged)} of the {len(data.members)} campaign accounts {lead}{more}. E.g. {examples}."
    return Observation(len(flagged), text, tuple(m.ref for m in flagged[:EXAMPLES]))


def _flag(feature: str, lead: str) -> Behaviour:
    return lambda data: _flagged(data, feature, lead)


def _creation_batch(data: CampaignData) -> Observation | None:
    days = Counter(
        m.created_at.date().isoformat() for m in data.members if m.flagged("creation_batch") and m.created_at
    )
    per_day = ", ".join(f"{n} on {day}" for day, n in sorted(days.items()))
    lead = "were registered in batches far above the usual daily rate"
    return _flagged(data, "creation_batch", lead, f": {per_day}" if per_day else "")


def _new_accounts(data: CampaignData) -> Observation | None:
    new = sorted(
        ((m.first_post - m.created_at).days, m.acct, m)
        for m in data.members
        if m.created_at and m.first_post and 0 <= (m.first_post - m.created_at).days <= NEW_ACCOUNT_DAYS
    )
    if not new:
        return None
    created = sorted(m.created_at.date().isoformat() for _, _, m in new if m.created_at)
    examples = "; ".join(
        f"{html.escape(m.label, quote=False)} created {m.created_at:%Y-%m-%d}, "
        f"first post {m.first_post:%Y-%m-%d}"
        for _, _, m in new[:EXAMPLES]
        if m.created_at and m.first_post
    )
    text = (
        f"{len(new)} of the {len(data.members)} campaign accounts were created at most "
        f"{NEW_ACCOUNT_DAYS} days before their first post in the data "
        f"(median {median(d for d, _, _ in new):g} days; created between {created[0]} and {created[-1]}), "
        f"e.g. {examples}."
    )
    return Observation(len(new), text, tuple(m.ref for _, _, m in new[:EXAMPLES]))


def _dormant(data: CampaignData) -> Observation | None:
    """The hijack feature has a row for each account with a long silence, language changed or not."""
    silent = sorted(
        (m for m in data.members if "hijacked" in m.features),
        key=lambda m: (-m.features["hijacked"].value, m.acct),
    )
    if not silent:
        return None
    examples = "; ".join(
        f"{html.escape(m.label, quote=False)}: {html.escape(m.features['hijacked'].detail, quote=False)}"
        for m in silent[:EXAMPLES]
    )
    text = (
        f"{len(silent)} of the {len(data.members)} campaign accounts had been silent for {MIN_DORMANCY_DAYS} "
        "days or more "
        f"before posting again ({examples})."
    )
    return Observation(len(silent), text, tuple(m.ref for m in silent[:EXAMPLES]))


def _template_text(data: CampaignData) -> Observation | None:
    narratives = data.summary.get("narratives", [])
    if not narratives:
        return None
    pairs = {(e.a, e.b) for e in data.edges if e.signal in ("co_post", "near_duplicate")}
    top = narratives[0]
    example = data.example_posts.get(str(top.get("example_post_id")))
    author = data.member(example.acct) if example else None
    languages = ", ".join(f"{html.escape(k, quote=False)} {v}" for k, v in top.get("languages", {}).items())
    quoted = _post(example) if example else quote_text(top.get("example"))
    posts = sum(n["posts"] for n in narratives)
    text = (
        f"{posts} campaign posts repeat {len(narratives)} text templates across accounts (the co-post and "
        f"near-duplicate signals tie {len(pairs)} account pairs); the largest, "
        f"{html.escape(top['narrative'], quote=False)}, has {top['posts']} posts ({languages}) and reads "
        f"{quoted}" + (f" by {html.escape(author.label, quote=False)}." if author else ".")
    )
    shown = (data.example_posts.get(str(n.get("example_post_id"))) for n in narratives[:EXAMPLES])
    return Observation(posts, text, tuple(post.ref for post in shown if post))


def _varied_templates(data: CampaignData) -> Observation | None:
    pairs = [e for e in data.evidence if e.signal == "near_duplicate"]
    varied = [e for e in pairs if e.a.text_norm != e.b.text_norm]
    if not varied:
        return None
    first = varied[0]
    text = (
        f"{len(varied)} of the {len(pairs)} near-duplicate post pairs kept as evidence differ after folding "
        f"case, punctuation, digits, emoji and mentions: the template was varied, e.g. {_post(first.a)} and "
        f"{_post(first.b)}."
    )
    return Observation(len(varied), text, tuple(ref for e in varied[:EXAMPLES] for ref in (e.a.ref, e.b.ref)))


def _bursts(data: CampaignData) -> Observation | None:
    bursts = data.summary.get("bursts", [])
    volume = data.summary.get("volume", [])
    if not bursts or not volume:
        return None
    largest = sorted(bursts, key=lambda b: (-b["posts"], b["start"]))[:EXAMPLES]
    listed = ", ".join(
        f"{b['start']}{'' if b['end'] == b['start'] else ' to ' + b['end']} "
        f"({b['posts']} posts, {b['intensity']}x)"
        for b in largest
    )
    top = largest[0]
    in_top = [
        p
        for e in data.evidence
        for p in (e.a, e.b)
        if top["start"] <= p.created_at.date().isoformat() <= top["end"]
    ]
    examples = list({p.post_id: p for p in in_top}.values())[:EXAMPLES]
    text = (
        f"The campaign's {data.summary.get('posts', 0)} posts fall on {len(volume)} days from "
        f"{volume[0]['day']} to {volume[-1]['day']}; {len(bursts)} burst(s) reached at least twice its "
        f"median daily volume: {listed}."
        + (f" On {top['start']}, for example: {_post(examples[0])}." if examples else "")
    )
    return Observation(len(bursts), text, tuple(p.ref for p in examples))


def _seconds_apart(a: PostRef, b: PostRef) -> int:
    return abs(int((b.created_at - a.created_at).total_seconds()))


def _window(data: CampaignData, signal: str) -> str:
    seconds = data.windows.get(signal, PAIR_SIGNALS[signal].window_s)
    amount, unit = (seconds // 3600, "hour") if seconds % 3600 == 0 else (seconds / 60, "minute")
    return f"{amount:g} {unit}{'' if amount == 1 else 's'}"


def _replies(data: CampaignData) -> Observation | None:
    targets = data.summary.get("targets", [])
    replies = sum(t["campaign_replies"] for t in targets)
    if not replies:
        return None
    pairs = [e for e in data.evidence if e.signal == "co_reply"]
    edges = sum(1 for e in data.edges if e.signal == "co_reply")
    text = (
        f"{replies} replies from campaign accounts went to the {len(targets)} accounts it replied to most; "
        f"the co-reply signal ties {edges} account pairs that replied to the same account within "
        f"{_window(data, 'co_reply')}."
    )
    if pairs:
        first = pairs[0]
        text += (
            f" E.g. {html.escape(first.key, quote=False)} received {_post(first.a)} and, "
            f"{_seconds_apart(first.a, first.b)} s apart, {_post(first.b)}."
        )
    return Observation(replies, text, tuple(ref for e in pairs[:EXAMPLES] for ref in (e.a.ref, e.b.ref)))


def _targeting(data: CampaignData) -> Observation | None:
    targeted = [t for t in data.summary.get("targets", []) if t["campaign_replies"] >= TARGET_MIN_REPLIES]
    if not targeted:
        return None
    listed = "; ".join(
        f"{target_label(t)}: {t['campaign_replies']} replies, {t['campaign_share']:.1%} of all replies it "
        "received in the data"
        for t in targeted[:EXAMPLES]
    )
    keys = {f"{t['platform']}:{t['account_id']}" for t in targeted[:EXAMPLES]}
    first_per_target: dict[str, PostRef] = {}
    for pair in data.evidence:
        if pair.signal == "co_reply" and pair.key in keys:
            first_per_target.setdefault(pair.key, pair.a)
    text = (
        f"{len(targeted)} accounts received {TARGET_MIN_REPLIES} or more replies each from the campaign's "
        f"accounts ({listed})."
    )
    return Observation(len(targeted), text, tuple(p.ref for _, p in sorted(first_per_target.items())))


def _cross_platform(data: CampaignData) -> Observation | None:
    platforms = data.summary.get("platforms", {})
    if len(platforms) < 2:
        return None
    listed = ", ".join(f"{html.escape(p, quote=False)} ({n} posts)" for p, n in sorted(platforms.items()))
    first = "; ".join(f"on {html.escape(p.platform, quote=False)} {_post(p)}" for p in data.platform_examples)
    text = f"The campaign's accounts posted on {len(platforms)} platforms: {listed}. First posts: {first}."
    return Observation(len(platforms), text, tuple(p.ref for p in data.platform_examples))


def _echo_chamber(data: CampaignData) -> Observation | None:
    engagement = data.summary.get("organic_engagement", {})
    received = engagement.get("received", 0)
    if not received:
        return None
    inside = received - engagement.get("from_outside", 0)
    text = (
        f"{inside} of the {received} replies and reposts that campaign accounts received "
        f"({inside / received:.0%}) came from other campaign accounts: they mostly engaged with one another."
        + (f" E.g. {_post(data.engagement_examples[0])}." if data.engagement_examples else "")
    )
    return Observation(inside / received, text, tuple(p.ref for p in data.engagement_examples[:EXAMPLES]))


def _shared_items(signal: str, verb: str, items: str) -> Behaviour:
    """Pairs of accounts tied by one co-sharing signal, with the item and the two posts of one pair."""

    def observe(data: CampaignData) -> Observation | None:
        edges = [e for e in data.edges if e.signal == signal]
        if not edges:
            return None
        pairs = [e for e in data.evidence if e.signal == signal]
        text = (
            f"{len(edges)} pairs of campaign accounts {verb} within {_window(data, signal)} of each other "
            f"({len({e.key for e in pairs})} distinct {items} in the evidence kept)."
        )
        if pairs:
            first = pairs[0]
            text += f" E.g. {quote_text(first.key)}: {_post(first.a)} and {_post(first.b)}."
        return Observation(
            len(edges), text, tuple(ref for e in pairs[:EXAMPLES] for ref in (e.a.ref, e.b.ref))
        )

    return observe


BEHAVIOURS: dict[str, Behaviour] = {
    "creation_batch": _creation_batch,
    "new_accounts": _new_accounts,
    "hijacked": _flag("hijacked", "fell silent for months and came back posting in another language"),
    "dormant": _dormant,
    "automated": _flag("rhythm", "posted at near-constant intervals, as schedulers do"),
    "template_text": _template_text,
    "varied_templates": _varied_templates,
    "cross_lingual": _shared_items(
        "cross_lingual", "posted translations of one template", "translated templates"
    ),
    "co_media": _shared_items("co_media", "posted the same media item (same perceptual hash)", "media items"),
    "bursts": _bursts,
    "replies": _replies,
    "cross_platform": _cross_platform,
    "co_repost": _shared_items("co_repost", "reposted the same post", "reposted posts"),
    "co_hashtag": _shared_items("co_hashtag", "used the same hashtag", "hashtags"),
    "echo_chamber": _echo_chamber,
    "targeting": _targeting,
}
