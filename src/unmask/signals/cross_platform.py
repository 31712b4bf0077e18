"""Cross-platform links: one operator's accounts on two platforms, tied by what they share.

Operations run personas on many platforms at once (Spamouflage used over fifty) and post the same
templates and links everywhere; platform-local signals see each platform's accounts apart. Three
signals pair accounts on *different* platforms only:

- cross_platform_name: the same name (the letters of a handle or display name; case, digits,
  punctuation and decorations such as "real_" or "_official" ignored) active on two platforms on the
  same day. Ordinary people keep their names across platforms too: the link says "probably one
  owner", and coordination has to come from other signals for a campaign to form.
- cross_platform_text: the same text (folded) posted on two platforms within hours — a persona
  cross-posting. Templates shared by many accounts are the near-duplicate signal's business.
- cross_platform_link: the same outbound link shared on two platforms within hours.

Each keeps only keys held by exactly one account on every platform they appear on: a name two X
accounts share identifies nobody, a link a hundred people post is news, not a persona. So every pair
the co-action step builds joins two platforms, and keys are weighted by how rare they are as usual.
As for every signal, an edge needs two separate co-actions: one shared link is not a link.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from unmask.engines.base import Engine
from unmask.signals.base import PairSignal, account_key
from unmask.signals.co_post import original_texts
from unmask.signals.co_share import co_link_events

MIN_NAME_LETTERS = 5  # shorter names ("Wei", "Marc") are too common to tell anyone apart
_LETTERS_ONLY = r"[^\p{L}]+"
_DECORATION = r"(?i)^(?:the|real|its|iam)[_.\-]+|[_.\-]+(?:official|real|tv)$"  # "real_jsmith", "jsmith_tv"


def _platform_of(acct: ir.StringValue) -> ir.StringValue:
    return acct.split(":")[0]


def fold_name(name: ir.StringValue) -> ir.StringValue:
    """The letters of a name, lower case, without persona decorations ("Real_John.Smith84" → "johnsmith")."""
    return name.re_replace(_DECORATION, "").lower().re_replace(_LETTERS_ONLY, "")


def only_across_platforms(events: ir.Table) -> ir.Table:
    """The events whose key is held by exactly one account on every platform it appears on, and appears
    on at least two platforms: every pair the co-action step then builds joins two platforms."""
    placed = events.mutate(platform=_platform_of(events.acct))
    holders = placed.group_by(["key", "platform"]).aggregate(holders=_.acct.nunique())
    keys = (
        holders.group_by("key")
        .aggregate(platforms=_.count(), most=_.holders.max())
        .filter(_.platforms >= 2, _.most == 1)
        .select(kept="key")
    )
    return events.filter(events.key.isin(keys.kept))


def cross_platform_name_events(engine: Engine, signal: PairSignal) -> ir.Table:
    accounts = engine.table("accounts")
    names = ibis.union(
        *(
            accounts.select(acct=account_key(accounts), name=fold_name(accounts[c]))
            for c in ("handle", "display_name")
        ),
        distinct=True,
    ).filter(_.name.length() >= MIN_NAME_LETTERS)
    posts = engine.table("posts")
    keyed = posts.select(acct=account_key(posts), ts=posts.created_at, post_id=posts.post_id).join(
        names, "acct"
    )
    events = keyed.select("acct", key=ibis.literal("name:").concat(keyed.name), ts="ts", post_id="post_id")
    return only_across_platforms(events)


def cross_platform_text_events(engine: Engine, signal: PairSignal) -> ir.Table:
    posts = original_texts(engine, signal.min_chars)
    events = posts.select(
        acct=account_key(posts), key=posts.text_norm, ts=posts.created_at, post_id=posts.post_id
    )
    return only_across_platforms(events)


def cross_platform_link_events(engine: Engine, signal: PairSignal) -> ir.Table:
    return only_across_platforms(co_link_events(engine, signal))


CROSS_PLATFORM_NAME = PairSignal(
    name="cross_platform_name",
    description="the same handle or display name (letters only) on two platforms, active the same day",
    events=cross_platform_name_events,
    window_s=86_400,
    neighbors=1,  # one link per switch between the platforms: an identity, not a pile of co-actions
)
CROSS_PLATFORM_TEXT = PairSignal(
    name="cross_platform_text",
    description="the same text posted on two platforms within hours, by the only account posting it on each",
    events=cross_platform_text_events,
    window_s=3 * 3600,
)
CROSS_PLATFORM_LINK = PairSignal(
    name="cross_platform_link",
    description="the same outbound link shared on two platforms within hours, by the only account on each",
    events=cross_platform_link_events,
    window_s=6 * 3600,
)
