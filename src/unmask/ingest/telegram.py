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

Reading. An export is one document as big as the chat (hundreds of MB for a million messages), so an
indented one (as the app writes it) is streamed: objects are walked member by member and each message
is decoded alone (ingest/json_stream.py); memory holds one message, not the file, and no size limit
applies but the record limit on a single message. Messages are read as soon as their chat's `id` and
`type` are known (the app writes them first; messages before them are held until the chat ends). A
syntax error stops the read there, as no later boundary can be trusted: the messages before it are
kept and the error is rejected under the number of the message (or document) it broke (truncated
when the file ends inside it). Other files (a chat per line, an array of chats) are read value by value.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

from unmask.ingest.json_fields import checked_object, json_objects
from unmask.ingest.json_stream import JsonStream, JsonSyntaxError
from unmask.ingest.parsing import (
    FieldError,
    SeenAccounts,
    TextSource,
    bad_chars,
    decoded_head,
    field_text,
    field_timestamp,
    iter_json,
    json_text,
    raw_json_is_clean,
    read_head,
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
_SECTIONS = ("chats", "left_chats")
_PEERS = {"private_group": "chat"} | dict.fromkeys(
    ("private_supergroup", "public_supergroup", "private_channel", "public_channel"), "channel"
)
_NO_TIMEZONE = (
    "date_unixtime is absent: `date` is the exporting computer's local time, which cannot be placed in UTC "
    "(export the chat again with a current Telegram Desktop)"
)


class _Reading(SeenAccounts):
    """What a read carries from message to message: accounts yielded, authors, the message count, and
    the record a syntax error would belong to."""

    def __init__(self) -> None:
        super().__init__()
        self.authors = RecentAuthors()
        self.messages = 0
        self.record_no = 1


class _Chat:
    """One chat object as far as it has been read: its members other than `messages`, and the messages
    held back because they came before the chat's `id` and `type` (Telegram Desktop writes those first)."""

    def __init__(self, record_no: int, where: str) -> None:
        self.record_no, self.where = record_no, where
        self.fields: dict[str, object] = {}
        self.held: list[tuple[int, object, str]] = []  # (position in messages, message, its text)
        self.has_messages = False
        self.problem: FieldError | None = None

    def peer(self) -> str:
        """The chat written like a from_id ("channel456"), from its type and id."""
        chat_id = required(self.fields.get("id"), "id")
        if problem := bad_chars(chat_id):
            raise FieldError("id", RejectReason.BAD_ENCODING, f"id: {problem}")
        return f"{_PEERS.get(str(self.fields.get('type')), 'user')}{chat_id}"

    def reject(self, problem: FieldError) -> Reject:
        return problem.reject(self.record_no, json_text(self.fields), self.where)


def _pretty(path: Path) -> bool:
    """Is the file one indented document, as Telegram Desktop writes it (its first line a lone "{")?"""
    text = decoded_head(read_head(path)).lstrip()
    return text.splitlines()[0].strip() == "{" if text else False


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
        if not _pretty(path):  # JSON lines (a chat per line) or an array of chats: records of bounded size
            for item in iter_json(path):
                if isinstance(item, Reject):
                    yield item
                else:  # read again as a stream: already decoded once, it cannot fail
                    yield from self._documents(JsonStream(io.StringIO(item.raw)), item.record_no, state)
            return
        with TextSource(path) as source:
            try:
                documents = yield from self._documents(JsonStream(source), None, state)
            except JsonSyntaxError as exc:
                yield exc.reject(state.record_no)
                return
            if cut := source.truncation(documents + 1):
                yield cut

    def _documents(self, stream: JsonStream, record_no: int | None, state: _Reading) -> Iterator[Record]:
        """Every top-level value in the stream, numbered from 1 (or all `record_no`); returns how many."""
        documents = 0
        while stream.peek():
            documents += 1
            state.record_no = record_no or documents
            yield from self._document(stream, state.record_no, state)
        return documents

    def _document(self, stream: JsonStream, document: int, state: _Reading) -> Iterator[Record]:
        """A single-chat export, or a full export whose chat lists are read chat by chat."""
        if stream.peek() != "{":
            _, raw = stream.value()
            yield FieldError(None, RejectReason.MALFORMED, "expected a chat object").reject(document, raw)
            return
        chat = _Chat(document, "")
        for key in stream.members():
            if key in _SECTIONS and not chat.has_messages:
                chat.fields[key] = None  # a full export, even one without chats
                try:
                    yield from self._section(stream, key, document, state)
                except FieldError as exc:
                    yield chat.reject(exc)
            else:
                yield from self._member(stream, key, chat, state)
        if chat.has_messages or not any(key in chat.fields for key in _SECTIONS):
            yield from self._end(chat, state, top=True)

    def _section(self, stream: JsonStream, section: str, document: int, state: _Reading) -> Iterator[Record]:
        """`chats` or `left_chats` of a full export: `{"about", "list": [chat, ...]}`, read chat by chat."""
        if stream.peek() != "{":
            value, _ = stream.value()
            if value is not None:
                raise FieldError(section, RejectReason.BAD_VALUE, f"{section}: expected an object")
            return
        problem = None  # raised once the section is read through, so the stream stays in step
        for key in stream.members():
            if key != "list" or stream.peek() != "[":
                value, _ = stream.value()
                if key == "list" and value is not None:
                    problem = FieldError(
                        f"{section}.list", RejectReason.BAD_VALUE, f"{section}.list: not a list"
                    )
                continue
            for i in stream.elements():
                where = f"{section}.list[{i}]."
                if stream.peek() != "{":
                    _, raw = stream.value()
                    yield FieldError(None, RejectReason.MALFORMED, "expected a chat object").reject(
                        document, raw, where
                    )
                    continue
                chat = _Chat(document, where)
                for member in stream.members():
                    yield from self._member(stream, member, chat, state)
                yield from self._end(chat, state, top=False)
        if problem is not None:
            raise problem

    def _member(self, stream: JsonStream, key: str, chat: _Chat, state: _Reading) -> Iterator[Record]:
        """One member of a chat: its messages are read one by one, as soon as the chat's peer is known."""
        if key != "messages":
            chat.fields[key], _ = stream.value()
            return
        chat.has_messages = True
        if stream.peek() != "[":
            value, _ = stream.value()
            if value is not None:
                chat.problem = FieldError("messages", RejectReason.BAD_VALUE, "messages: not a list")
            return
        peer = None
        if "id" in chat.fields and "type" in chat.fields:
            try:
                peer = chat.peer()
            except FieldError as exc:
                chat.problem = exc
        for i in stream.elements():
            state.record_no = state.messages + 1
            message, raw = stream.value()
            if peer is not None:
                yield from self._message(message, raw, peer, f"{chat.where}messages[{i}].", state)
            elif chat.problem is None:
                chat.held.append((i, message, raw))
            else:
                state.messages += 1  # counted, as every message is, but its chat is rejected
        state.record_no = chat.record_no

    def _end(self, chat: _Chat, state: _Reading, *, top: bool) -> Iterator[Record]:
        """The chat's held messages once its peer is known, or its one reject (at the top of a file, an
        object with neither messages nor chat lists is neither kind of export)."""
        if top and not chat.has_messages:
            detail = "neither a chat (no messages) nor a full export (no chats)"
            chat.problem = chat.problem or FieldError("messages", RejectReason.MISSING_FIELD, detail)
        try:
            if chat.problem is not None:
                raise chat.problem
            peer = chat.peer()
        except FieldError as exc:
            yield chat.reject(exc)
            state.messages += len(chat.held)
            return
        for i, message, raw in chat.held:
            yield from self._message(message, raw, peer, f"{chat.where}messages[{i}].", state)

    def _message(self, message: object, raw: str, peer: str, where: str, state: _Reading) -> Iterator[Record]:
        state.messages += 1
        if isinstance(message, dict) and message.get("type", "message") != "message":
            return  # service messages (joins, pins, calls) and unsupported media are not posts
        try:
            post = self._post(checked_object(message, raw_json_is_clean(raw)), peer, state)
            account = Account(
                platform=self.platform,
                account_id=post.account_id,
                display_name=field_text(message.get("from"), "from"),
                source_record=state.messages,
            )
        except FieldError as exc:
            yield exc.reject(state.messages, raw, where)
            return
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
