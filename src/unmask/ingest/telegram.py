"""Telegram Desktop JSON exports (`result.json`) of a channel, group or chat, or of a whole account.

Shapes read: a single-chat export `{"name", "type" ("public_channel", "private_supergroup", "personal_chat",
...), "id" (the bare peer id), "messages": [message]}`, or a full account export whose `chats.list` and
`left_chats.list` hold such chats. A message is `{"id", "type": "message" | "service", "date" (local time of
the exporting computer), "date_unixtime" (epoch seconds, as a string), "from", "from_id" ("user123",
"channel456", "chat789"), "text", "text_entities", "reply_to_message_id", "reply_to_peer_id"?,
"forwarded_from"?, "forwarded_from_id"?, "photo"?, "file"?, ...}`. `text` is a string, or a list of strings
and entities `{"type", "text", "href"?, "user_id"?}`; `text_entities` lists every part as an entity.

Mapping. Only type "message" is a post (service messages such as joins and pins are skipped). post_id is
"<chat peer>/<message id>" with the chat peer written like from_id ("channel456/12": message ids count per
channel); account_id is from_id, its display name `from`. created_at comes from date_unixtime: without it
(exports before Telegram Desktop 3.x) `date` is in an unknown time zone, so the message is rejected as
missing_field on `date_unixtime`. A reply answers "<peer>/<reply_to_message_id>" (the peer is
reply_to_peer_id when given, else the chat); reply_to_account_id is filled when that message was read
earlier in the file. Entities (text_entities, else the entity parts of text): link and text_link (its href)
give urls, hashtag gives hashtags (without "#"), mention gives the username (without "@") and mention_name
the account id "user<user_id>". A message with `forwarded_from` is a repost: the export does not name the
original message, so repost_of_post_id keys the original by its source's name and text,
"forward:<sha1(forwarded_from, text)>" (the same message forwarded by several channels gets the same key);
a forwarded message without text has no such key. repost_of_account_id is forwarded_from_id when the export
has it. Media file paths are relative to each export folder (and repeat across exports), so no media is
read. Records: record_no is the message's 1-based position among the file's messages; a problem with a
whole chat uses the number of the JSON value that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from unmask.ingest.json_fields import checked_object, json_object, json_objects
from unmask.ingest.parsing import (
    FieldError,
    SeenAccounts,
    bad_chars,
    decoded_head,
    field_text,
    field_timestamp,
    iter_json,
    json_text,
    raw_json_is_clean,
    required,
    stable_id,
)
from unmask.ingest.records import Account, Post, Record, Reject, RejectReason
from unmask.ingest.reddit import RecentAuthors

_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_CHAT_MARKERS = re.compile(
    r'"(?:date_unixtime|from_id|text_entities)"\s*:|"type"\s*:\s*"(?:personal_chat|bot_chat|saved_messages'
    r'|replies|private_group|private_supergroup|public_supergroup|private_channel|public_channel)"'
)
_FULL_EXPORT = re.compile(r'"(?:personal_information|left_chats|frequent_contacts)"\s*:')
_PEERS = {"private_group": "chat"} | dict.fromkeys(
    ("private_supergroup", "public_supergroup", "private_channel", "public_channel"), "channel"
)
_NO_TIMEZONE = (
    "date_unixtime is absent: `date` is the exporting computer's local time, which cannot be placed in UTC "
    "(export the chat again with a current Telegram Desktop)"
)


class _Reading(SeenAccounts):
    """What a read carries from message to message: accounts yielded, authors, the message count."""

    def __init__(self) -> None:
        super().__init__()
        self.authors = RecentAuthors()
        self.messages = 0


class TelegramLayout:
    name = "telegram"
    platform = "telegram"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = decoded_head(head).lstrip()
        if not text.startswith("{"):
            return False
        return bool(_MESSAGES.search(text) and _CHAT_MARKERS.search(text)) or bool(_FULL_EXPORT.search(text))

    def read(self, path: Path) -> Iterator[Record]:
        state = _Reading()
        for item in iter_json(path):
            if isinstance(item, Reject):
                yield item
                continue
            clean = raw_json_is_clean(item.raw)
            try:
                chats = _chats(item.value)
            except FieldError as exc:
                yield exc.reject(item.record_no, item.raw)
                continue
            for where, chat in chats:
                yield from self._chat(chat, where, item.record_no, clean, state)

    def _chat(
        self, chat: object, where: str, record_no: int, clean: bool, state: _Reading
    ) -> Iterator[Record]:
        try:
            if not isinstance(chat, dict):
                raise FieldError(None, RejectReason.MALFORMED, "expected a chat object")
            chat_id = required(chat.get("id"), "id")
            if problem := bad_chars(chat_id):
                raise FieldError("id", RejectReason.BAD_ENCODING, f"id: {problem}")
            messages = _list(chat.get("messages"), "messages")
        except FieldError as exc:
            yield exc.reject(record_no, json_text(chat), where)
            return
        peer = f"{_PEERS.get(str(chat.get('type')), 'user')}{chat_id}"
        for i, message in enumerate(messages):
            state.messages += 1
            if isinstance(message, dict) and message.get("type", "message") != "message":
                continue  # service messages (joins, pins, calls) and unsupported media are not posts
            try:
                post = self._post(checked_object(message, clean), peer, state)
                account = Account(
                    platform=self.platform,
                    account_id=post.account_id,
                    display_name=field_text(message.get("from"), "from"),
                    source_record=state.messages,
                )
            except FieldError as exc:
                yield exc.reject(state.messages, json_text(message), f"{where}messages[{i}].")
                continue
            post.source_record = state.messages
            state.authors.add(post.post_id, post.account_id)
            if state.first(account):
                yield account
            yield post

    def _post(self, message: dict, peer: str, state: _Reading) -> Post:
        message_id = required(message.get("id"), "id")
        if message.get("date_unixtime") in (None, ""):
            raise FieldError("date_unixtime", RejectReason.MISSING_FIELD, _NO_TIMEZONE)
        text, urls, hashtags, mentions = _text(message)
        reply = field_text(message.get("reply_to_message_id"), "reply_to_message_id")
        reply_peer = field_text(message.get("reply_to_peer_id"), "reply_to_peer_id") or peer
        reply_to = f"{reply_peer}/{reply}" if reply else None
        forwarded = "forwarded_from" in message or "forwarded_from_id" in message
        source = field_text(message.get("forwarded_from"), "forwarded_from") or ""
        return Post(
            platform=self.platform,
            post_id=f"{peer}/{message_id}",
            account_id=required(message.get("from_id"), "from_id"),
            created_at=field_timestamp(message.get("date_unixtime"), "date_unixtime", "posix"),
            text=text,
            reply_to_post_id=reply_to,
            reply_to_account_id=state.authors.get(reply_to),
            repost_of_post_id=f"forward:{stable_id(source, text)}" if forwarded and text else None,
            repost_of_account_id=field_text(message.get("forwarded_from_id"), "forwarded_from_id"),
            urls=urls,
            hashtags=hashtags,
            mentions=mentions,
        )


def _chats(value: object) -> list[tuple[str, object]]:
    """(field prefix, chat) for the chat of a single-chat export, or each chat of a full export."""
    if not isinstance(value, dict) or "messages" in value:
        return [("", value)]
    chats: list[tuple[str, object]] = []
    for section in ("chats", "left_chats"):
        listed = json_object(value.get(section), section).get("list")
        chats += [(f"{section}.list[{i}].", c) for i, c in enumerate(_list(listed, f"{section}.list"))]
    if not chats and "chats" not in value:
        detail = "neither a chat (no messages) nor a full export (no chats)"
        raise FieldError("messages", RejectReason.MISSING_FIELD, detail)
    return chats


def _list(value: object, field: str) -> list:
    """A list whose elements are checked one by one later (so one bad element costs only itself)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(field, RejectReason.BAD_VALUE, f"{field}: not a list")
    return value


def _text(message: dict) -> tuple[str | None, list[str], list[str], list[str]]:
    """The plain text of a message and the urls, hashtags and mentions its entities mark."""
    text = message.get("text")
    parts = text if isinstance(text, list) else [] if text is None else [text]
    plain = []
    for i, part in enumerate(parts):
        piece = part.get("text") if isinstance(part, dict) else part
        if not isinstance(piece, str):
            where = f"text[{i}]" if isinstance(text, list) else "text"
            raise FieldError(where, RejectReason.BAD_VALUE, f"{where}: expected text")
        plain.append(piece)
    entities = message.get("text_entities")
    if entities is None:
        entities = [part for part in parts if isinstance(part, dict)]
    urls: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    for entity in json_objects(entities, "text_entities"):
        kind = entity.get("type")
        value = field_text(entity.get("href" if kind == "text_link" else "text"), "text_entities")
        if kind == "mention_name":
            user = field_text(entity.get("user_id"), "text_entities.user_id")
            value = f"user{user}" if user else None
        if value and kind in ("link", "text_link"):
            urls.append(value)
        elif value and kind == "hashtag":
            hashtags.append(value.lstrip("#"))
        elif value and kind in ("mention", "mention_name"):
            mentions.append(value.lstrip("@"))
    return "".join(plain) or None, urls, hashtags, mentions
