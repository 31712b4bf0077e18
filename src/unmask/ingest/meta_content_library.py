"""Meta Content Library (MCL) exports of Facebook and Instagram posts and comments, as CSV or JSON.

Field names are the MCL data dictionary's. JSON records may be nested (`{"post_owner": {"id": ...}}`,
as the Content Library API returns them) or flattened to dotted keys (`"post_owner.id"`, as the web UI's
CSV downloads name their columns); `post_owner.data.id` (the dictionary's spelling) is read too.

Files: a CSV with one record per row (one entity type per file), or JSON: an API response
`{"data": [records], "paging": {...}}`, a top-level array of records or of responses, or JSON lines of
either. A JSON file may mix posts and comments. Sniffed by: CSV header with `id`, `creation_time` and a
`post_owner.*` or `owner.*` column; JSON with a `"creation_time"` key and a `"post_owner` or `"owner` key.

Post record (any record without a `post_id` key):
    id, creation_time, text, lang, post_owner.{id,name,username,type}, shared_post_id (a reshare),
    statistics.{reaction_count | like_count, share_count, comment_count, views},
    link_attachment.link / link_attachment_fields.link, hashtags (Instagram; a JSON list or "['a', 'b']"),
    multimedia (JSON: a list of {type, id, url}; each item's url, else its id, becomes a media entry)
Comment record (any record with a `post_id` key; comments are posts that reply, like X replies):
    id, creation_time, text, lang, owner.{id,name,username,type}, post_id (the post commented on),
    parent_comment_id (or parent_id; absent or empty on top-level comments), link_attachment.url,
    statistics.{reaction_count | like_count, comment_count}

A comment replies to its parent comment, else to its post (reply_to_post_id), and reply_to_account_id is
that target's owner when the file holds the target (the file is read twice: once to learn who owns
which post or comment, once to emit records); conversation_id is the post commented on. MCL ids are its
own, so replies link only to posts ingested from MCL. creation_time is ISO 8601 (an offset such as
+0000 is applied; none means UTC) or POSIX seconds.

Platform: every record of a file gets one, from what the file shows: `post_owner.type`/`owner.type`
business, creator or personal, or a `hashtags` field, say Instagram; page or profile, `surface.*`
fields, or Facebook-only reaction counts say Facebook. The majority wins; with no evidence the file
name decides ("instagram" in it), else Facebook.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from unmask.ingest.json_fields import iter_listed
from unmask.ingest.parsing import (
    FieldError,
    SeenAccounts,
    csv_header,
    decoded_head,
    field_count,
    field_text,
    field_timestamp,
    find_bad_string,
    iter_csv_table,
    json_text,
    make_reject,
    parse_list_cell,
    read_head,
    required,
)
from unmask.ingest.records import Account, Post, Record, Reject, RejectReason

INSTAGRAM_OWNER_TYPES = frozenset({"business", "creator", "personal"})
FACEBOOK_OWNER_TYPES = frozenset({"page", "profile"})
FACEBOOK_ONLY = frozenset(
    f"statistics.{name}"
    for name in ("reaction_count", "share_count", "love_count", "haha_count", "wow_count", "angry_count")
)
_OWNER_KEYS = ("post_owner.id", "post_owner.data.id", "owner.id")


@dataclass(slots=True)
class _Item:
    """One record of the file, flattened to dotted keys, with where it was read."""

    record_no: int
    prefix: str  # path of the record inside its JSON value ("data[3]."), for reject fields
    fields: dict[str, object]
    raw: str


@dataclass
class _Index:
    """What the first pass learns: who owns each post or comment, and which platform the file is."""

    owners: dict[str, str] = field(default_factory=dict)
    votes: Counter[str] = field(default_factory=Counter)

    def learn(self, fields: dict[str, object]) -> None:
        record_id, owner = fields.get("id"), _first(fields, *_OWNER_KEYS)
        if isinstance(record_id, str | int) and isinstance(owner, str | int) and str(owner).strip():
            self.owners.setdefault(str(record_id).strip(), str(owner).strip())
        if vote := _platform_vote(fields):
            self.votes[vote] += 1

    def owner(self, record_id: str | None) -> str | None:
        return self.owners.get(record_id) if record_id else None

    def platform(self, path: Path) -> str:
        if self.votes:
            return "instagram" if self.votes["instagram"] > self.votes["facebook"] else "facebook"
        return "instagram" if "instagram" in path.name.lower() else "facebook"


class MetaContentLibraryLayout:
    name = "meta_content_library"
    platform = "facebook,instagram"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = decoded_head(head).lstrip()
        if text[:1] in ("{", "["):
            return '"creation_time"' in text and ('"post_owner' in text or '"owner' in text)
        header = set(csv_header(head))
        owner_column = any(c.startswith(("post_owner.", "owner.")) for c in header)
        return owner_column and {"id", "creation_time"} <= header

    def read(self, path: Path) -> Iterator[Record]:
        index = _Index()
        for item in _items(path):
            if isinstance(item, _Item):
                index.learn(item.fields)
        platform = index.platform(path)
        seen = SeenAccounts()
        for item in _items(path):
            if isinstance(item, Reject):
                yield item
                continue
            try:
                account, post = _records(platform, item, index)
            except FieldError as exc:
                yield exc.reject(item.record_no, item.raw, item.prefix)
                continue
            if seen.first(account):
                yield account
            yield post


# -- reading records -------------------------------------------------------------------------------


def _items(path: Path) -> Iterator[_Item | Reject]:
    """Every record of a CSV or JSON file, flattened; unreadable ones as rejects."""
    if decoded_head(read_head(path)).lstrip()[:1] not in ("{", "["):
        for item in iter_csv_table(path):
            if isinstance(item, Reject):
                yield item
            else:
                row, cells = item
                yield _Item(row.record_no, "", dict(cells), row.raw)
        return
    for found in iter_listed(path, "data", is_page=lambda page: "id" not in page):
        yield found if isinstance(found, Reject) else _record(*found)


def _record(value: object, record_no: int, prefix: str, clean: bool) -> _Item | Reject:
    raw = json_text(value)
    where = prefix.rstrip(".") or None
    if not isinstance(value, dict):
        detail = f"expected an object, got {type(value).__name__}"
        return make_reject(record_no, where, RejectReason.MALFORMED, raw, detail)
    if not clean and (found := find_bad_string(value)):
        path, problem = found
        return make_reject(record_no, f"{prefix}{path}", RejectReason.BAD_ENCODING, raw, f"{path}: {problem}")
    return _Item(record_no, prefix, flatten(value), raw)


def flatten(value: dict) -> dict[str, object]:
    """Nested objects as dotted keys ({"a": {"b": 1}} → {"a.b": 1}); lists and scalars kept as they are."""
    flat: dict[str, object] = {}
    pending: list[tuple[str, dict]] = [("", value)]
    while pending:
        prefix, current = pending.pop()
        for key, item in current.items():
            if isinstance(item, dict):
                pending.append((f"{prefix}{key}.", item))
            else:
                flat[f"{prefix}{key}"] = item
    return flat


# -- building records ------------------------------------------------------------------------------


def _records(platform: str, item: _Item, index: _Index) -> tuple[Account, Post]:
    fields = item.fields

    def text(name: str) -> str | None:
        return field_text(fields.get(name), name)

    def count(*names: str) -> int | None:
        name = next((n for n in names if fields.get(n) not in (None, "")), names[0])
        return field_count(fields.get(name), name)

    comment = "post_id" in fields
    owner_key = _owner_key(fields, comment)
    account_id = required(fields.get(f"{owner_key}.id"), f"{owner_key}.id")
    account = Account(
        platform=platform,
        account_id=account_id,
        handle=text(f"{owner_key}.username"),
        display_name=text(f"{owner_key}.name"),
        source_record=item.record_no,
    )
    post = Post(
        platform=platform,
        post_id=required(fields.get("id"), "id"),
        account_id=account_id,
        created_at=field_timestamp(fields.get("creation_time"), "creation_time"),
        text=text("text"),
        lang=text("lang"),
        urls=list(dict.fromkeys(_links(fields))),
        hashtags=_strings(fields.get("hashtags"), "hashtags"),
        media=_media(fields.get("multimedia")),
        like_count=count("statistics.reaction_count", "statistics.like_count"),
        repost_count=count("statistics.share_count"),
        reply_count=count("statistics.comment_count"),
        view_count=count("statistics.views"),
        source_record=item.record_no,
    )
    if comment:
        root = required(fields.get("post_id"), "post_id")
        parent = text("parent_comment_id") or text("parent_id")
        target = parent.strip() if parent and parent.strip() != root else root
        post.reply_to_post_id = target
        post.reply_to_account_id = index.owner(target)
        post.conversation_id = root
    elif shared := text("shared_post_id"):
        post.repost_of_post_id = shared.strip()
        post.repost_of_account_id = index.owner(shared.strip())
    return account, post


def _owner_key(fields: dict[str, object], comment: bool) -> str:
    """Where the record names its author: `owner.*` on comments, `post_owner.*` (or `.data.*`) on posts."""
    if comment:
        return "owner"
    return (
        "post_owner.data"
        if "post_owner.id" not in fields and "post_owner.data.id" in fields
        else "post_owner"
    )


def _first(fields: dict[str, object], *names: str) -> object:
    return next((fields[n] for n in names if fields.get(n) not in (None, "")), None)


def _links(fields: dict[str, object]) -> Iterator[str]:
    for name in ("link_attachment.link", "link_attachment.url", "link_attachment_fields.link"):
        if link := field_text(fields.get(name), name):
            yield link.strip()


def _strings(value: object, name: str) -> list[str]:
    """A list field: a JSON list, or a CSV cell such as "['a', 'b']"."""
    if isinstance(value, list):
        items = [field_text(v, name) for v in value]
        return [item for item in items if item]
    cell = field_text(value, name)
    return parse_list_cell(cell) if cell else []


def _media(value: object) -> list[str]:
    """Each multimedia item's URL, else its id (JSON only: CSV cells hold no usable structure)."""
    if not isinstance(value, list):
        return []
    found = []
    for item in value:
        if isinstance(item, dict):
            media = field_text(item.get("url"), "multimedia.url") or field_text(
                item.get("id"), "multimedia.id"
            )
            if media:
                found.append(media)
    return found


def _platform_vote(fields: dict[str, object]) -> str | None:
    """What one record says about the file's platform, if anything: owner types, then fields only one has."""
    kind = _first(fields, "post_owner.type", "post_owner.data.type", "owner.type")
    kind = kind.strip().lower() if isinstance(kind, str) else None
    if kind in INSTAGRAM_OWNER_TYPES or "hashtags" in fields:
        return "instagram"
    if kind in FACEBOOK_OWNER_TYPES or any(k in FACEBOOK_ONLY or k.startswith("surface.") for k in fields):
        return "facebook"
    return None
