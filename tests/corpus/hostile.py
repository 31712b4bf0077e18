"""The hostile input corpus, generated: the payloads (corpus_values.py) in every field each ingest
layout carries, rendered in that layout's own syntax (corpus_renderers.py, corpus_platforms.py), plus
the records it must reject; and the planted campaign with the payloads in its accounts and posts.

Nothing here is stored as data: the tests call these functions to write the corpus into a temporary
folder. A layout added to `LAYOUTS` without a renderer fails `renderer_for` with a message saying so;
a new generic mapping is rendered from its mapping and needs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from corpus_platforms import (
    BlueskyRenderer,
    CrowdTangleRenderer,
    MetaContentLibraryRenderer,
    RedditRenderer,
    TelegramRenderer,
    TikTokRenderer,
    YouTubeRenderer,
)
from corpus_renderers import GenericRenderer, IoArchiveRenderer, QutCsvRenderer, XApiV2Renderer
from corpus_values import (
    BAD_UTF8_TEXT,
    IN_RANGE,
    NUL_TEXT,
    OUT_OF_RANGE,
    PAYLOADS,
    Item,
    Renderer,
    big_text,
    many_hashtags,
)

from unmask.ingest.bluesky import BlueskyLayout
from unmask.ingest.crowdtangle import CrowdTangleLayout
from unmask.ingest.generic import LIST_FIELDS, GenericLayout
from unmask.ingest.io_archive import IoArchiveLayout
from unmask.ingest.layout import Layout
from unmask.ingest.meta_content_library import MetaContentLibraryLayout
from unmask.ingest.qut_csv import QutCsvLayout
from unmask.ingest.records import RejectReason
from unmask.ingest.reddit import RedditLayout
from unmask.ingest.telegram import TelegramLayout
from unmask.ingest.tiktok import TikTokLayout
from unmask.ingest.x_api_v2 import XApiV2Layout
from unmask.ingest.youtube import YouTubeLayout

RENDERERS: dict[type, type[Renderer]] = {
    IoArchiveLayout: IoArchiveRenderer,
    XApiV2Layout: XApiV2Renderer,
    QutCsvLayout: QutCsvRenderer,
    CrowdTangleLayout: CrowdTangleRenderer,
    MetaContentLibraryLayout: MetaContentLibraryRenderer,
    YouTubeLayout: YouTubeRenderer,
    TelegramLayout: TelegramRenderer,
    TikTokLayout: TikTokRenderer,
    BlueskyLayout: BlueskyRenderer,
    RedditLayout: RedditRenderer,
}


def renderer_for(layout: Layout) -> Renderer:
    """The renderer of a registered layout; a layout without one fails here, naming itself."""
    if isinstance(layout, GenericLayout):
        return GenericRenderer(layout.mapping)
    if type(layout) in RENDERERS:
        return RENDERERS[type(layout)]()
    raise NotImplementedError(
        f"layout {layout.name!r} ({type(layout).__name__}) has no renderer for the hostile corpus: "
        "add one to tests/corpus/corpus_platforms.py and to RENDERERS in tests/corpus/hostile.py"
    )


# -- the corpus of one layout ----------------------------------------------------------------------


def text_carrier(renderer: Renderer) -> str:
    """The field long texts go in: the post text if the layout has one, else its first text field."""
    scalars = [name for name in renderer.carriers if name.split(".")[1] not in LIST_FIELDS]
    for preferred in ("post.text", "account.bio", "account.display_name"):
        if preferred in scalars:
            return preferred
    return (scalars or list(renderer.carriers))[0]


def _put(item: Item, name: str, value: object) -> Item:
    part, _, key = name.partition(".")
    if part == "post":
        item.post[key] = value
    else:
        item.account[key] = value  # type: ignore[assignment]
    return item


def corpus_items(renderer: Renderer) -> list[Item]:
    """Every payload in every field the layout carries, the big values, and the records to reject."""
    items: list[Item] = []

    def add(label: str, **kwargs: object) -> Item:
        item = Item(key=f"k{len(items):05d}", label=label, **kwargs)  # type: ignore[arg-type]
        items.append(item)
        return item

    for name in renderer.carriers:
        for payload_name, payload in PAYLOADS.items():
            _put(add(f"{payload_name} in {name}"), name, payload)
    carrier = text_carrier(renderer)
    _put(add(f"1 MiB text in {carrier}"), carrier, big_text())
    if renderer.holds_many("post.hashtags"):
        _put(add("10^6 hashtags"), "post.hashtags", many_hashtags())
    elif "post.text" in renderer.carriers:
        _put(add("10^6 hashtags in the text"), "post.text", " ".join("#" + t for t in many_hashtags()))
    for stamp in IN_RANGE:
        add(f"timestamp {stamp.iso()}", created_at=stamp)
    for stamp in OUT_OF_RANGE:
        add(f"timestamp {stamp.iso()}", created_at=stamp, reject=RejectReason.BAD_TIMESTAMP)
    _put(add(f"NUL in {carrier}", reject=RejectReason.BAD_ENCODING), carrier, NUL_TEXT)
    _put(add(f"invalid UTF-8 in {carrier}", reject=RejectReason.BAD_ENCODING), carrier, BAD_UTF8_TEXT)
    if renderer.is_json:
        raw_nul = add("raw NUL byte in a JSON record", reject=RejectReason.BAD_ENCODING, raw_nul=True)
        _put(raw_nul, carrier, NUL_TEXT)
        add("JSON nested 100000 deep", nest=100_000, reject=RejectReason.MALFORMED)
    return items


def nesting_sweep(renderer: Renderer, depths: Iterable[int]) -> list[Item]:
    """JSON records nested each of `depths` deep: clean, with a NUL, and with a bad timestamp.

    Whatever depth the reader's own stack leaves room for, some depth decodes and then overflows
    whatever walks the value next; a sweep up to past the recursion limit hits it wherever it lies.
    """
    carrier = text_carrier(renderer)
    items = []
    for depth in depths:
        variants: tuple[tuple[dict[str, str], tuple[RejectReason | None, ...]], ...] = (
            ({}, (None, RejectReason.MALFORMED)),
            ({carrier: NUL_TEXT}, (RejectReason.MALFORMED, RejectReason.BAD_ENCODING)),
            ({}, (RejectReason.MALFORMED, RejectReason.BAD_TIMESTAMP)),
        )
        for n, (fields, reasons) in enumerate(variants):
            label = f"nested {depth} deep, variant {n}"
            item = Item(key=f"n{depth:05d}{n}", label=label, nest=depth, either=reasons)
            if n == 2:
                item.created_at = OUT_OF_RANGE[0]
            for name, value in fields.items():
                _put(item, name, value)
            items.append(item)
    return items


# -- a detected campaign of hostile accounts -------------------------------------------------------

CAMPAIGN_PROFILE_FIELDS = ("handle", "display_name", "bio", "location", "profile_url")
HOSTILE_ID = 'c3/"><svg onload=window.__pwned=17>?x=1#y%2e'  # a campaign account's id


@dataclass(frozen=True)
class Planting:
    """Where the hostile values went in the planted scenario."""

    profiles: dict[str, dict[str, str]]  # account id -> profile field -> payload
    texts: dict[str, str]  # post id -> text
    big_post: str  # the post with the 1 MiB text
    many_tags_post: str  # the post with 10^6 hashtags
    target_handles: dict[str, str]  # target account id -> hostile handle


def plant_hostile(accounts: list[dict], posts: list[dict]) -> Planting:
    """Put payloads into the planted scenario's campaign accounts (c0..c29) and their posts, in place.

    Profile fields take the payloads in turn; each campaign post starts with a payload (the template
    text stays after it, so the campaign is still found); one account gets a hostile id; targets get
    hostile handles; one post carries the 1 MiB text, another 10^6 hashtags.
    """
    values = list(PAYLOADS.values())
    profiles: dict[str, dict[str, str]] = {}
    campaign = [a for a in accounts if a["account_id"].startswith("c")]
    campaign.sort(key=lambda a: int(a["account_id"][1:]))
    turn = 0
    for account in campaign:
        profile = {}
        for name in CAMPAIGN_PROFILE_FIELDS:
            profile[name] = account[name] = values[turn % len(values)]
            turn += 1
        profiles[account["account_id"]] = profile
    texts: dict[str, str] = {}
    members = [p for p in posts if p["account_id"].startswith("c")]
    for n, post in enumerate(members):
        post["text"] = f"{values[n % len(values)]} {post['text']}"
        post["urls"] = [values[(n + 7) % len(values)]]
        post["hashtags"] = [values[(n + 11) % len(values)]]
        texts[post["post_id"]] = post["text"]
    members[0]["text"] = texts[members[0]["post_id"]] = big_text()
    members[1]["hashtags"] = many_hashtags()
    for account in [a for a in accounts if a["account_id"] == "c3"]:
        profiles[HOSTILE_ID] = profiles.pop("c3")
        account["account_id"] = HOSTILE_ID
    for post in posts:
        if post["account_id"] == "c3":
            post["account_id"] = HOSTILE_ID
    targets = sorted({p["reply_to_account_id"] for p in posts if p.get("reply_to_account_id")})
    target_handles = {t: values[(i + 3) % len(values)] for i, t in enumerate(targets)}
    accounts.extend(
        {"account_id": t, "handle": h, "display_name": f"MP {t}"} for t, h in target_handles.items()
    )
    return Planting(profiles, texts, members[0]["post_id"], members[1]["post_id"], target_handles)
