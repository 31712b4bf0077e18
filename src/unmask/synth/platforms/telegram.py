"""Telegram as a Telegram Desktop export (`result.json`) of one public supergroup where the scenario's
Telegram traffic happens.

The app writes one JSON document indented by one space: the chat's name, type and id, then
`messages`, each message an object on several lines. Messages are numbered by the chat in the order
they are posted, so the writer numbers them itself (in time order within each slice) and remembers
the numbers of originals, which replies and forwards point back to. Replies carry
`reply_to_message_id`; retweets become forwards (`forwarded_from` names the source, and its id is
given, as recent exports do), showing the source's text. Quotes do not exist on Telegram. `date` is
the exporting computer's local time (Ottawa), `date_unixtime` the epoch seconds as a string; links,
hashtags and mentions in the text become entities, as the app splits them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from unmask.synth.batch import ORIGINAL, REPLY, RETWEET
from unmask.synth.platforms.eastern import local_strings
from unmask.synth.platforms.view import PlatformView

FILES = {"telegram": "telegram_result.json"}
CHAT = {"name": "Canada Politics Chat 🇨🇦", "type": "public_supergroup", "id": 1_634_205_771}
_RETWEET_PREFIX = re.compile(r"^RT @\w+: ")
_ENTITIES = re.compile(r"(?P<link>https?://\S+)|(?P<hashtag>#\w+)|(?P<mention>@\w+)")


def post_ids(ids: np.ndarray, comment: bool) -> list[str]:
    """The scenario's own ids: Telegram numbers messages as the writer writes them."""
    return [str(i) for i in ids.tolist()]


def text_parts(text: str) -> tuple[str | list, list[dict]]:
    """(`text`, `text_entities`) as the app writes them: a plain string when nothing is marked up,
    else a list of plain strings and entity objects; every part is listed again as an entity."""
    parts: list[str | dict] = []
    last = 0
    for found in _ENTITIES.finditer(text):
        if found.start() > last:
            parts.append(text[last : found.start()])
        parts.append({"type": found.lastgroup, "text": found.group()})
        last = found.end()
    if last < len(text):
        parts.append(text[last:])
    entities = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in parts]
    marked = any(isinstance(p, dict) for p in parts)
    return (parts if marked else text), entities


class TelegramDesktopWriter:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / FILES["telegram"]
        self.files = {"telegram": self.path}
        self._fh = self.path.open("w", encoding="utf-8", newline="\n")
        header = json.dumps({**CHAT, "messages": []}, ensure_ascii=False, indent=1)
        self._fh.write(header.removesuffix("[]\n}") + "[")
        self._numbers: dict[int, int] = {}  # scenario id of an original -> its message number
        self._last = 0
        self._first = True

    def close(self) -> None:
        self._fh.write("\n ]\n}\n" if not self._first else "]\n}\n")
        self._fh.close()

    def _number(self, scenario_id: int) -> int:
        """An original's message number, given when first needed (written or answered)."""
        number = self._numbers.get(scenario_id)
        if number is None:
            self._last += 1
            number = self._numbers[scenario_id] = self._last
        return number

    def write(self, view: PlatformView) -> None:
        b = view.batch
        local, _ = local_strings(b.t)
        kinds = b.kind.tolist()
        for i in np.argsort(b.t, kind="stable").tolist():
            kind = kinds[i]
            if kind == ORIGINAL:
                number = self._number(int(b.post_id[i]))
            else:
                self._last += 1
                number = self._last
            message: dict = {
                "id": number,
                "type": "message",
                "date": local[i],
                "date_unixtime": str(int(b.t[i])),
                "from": view.name[i],
                "from_id": view.author_id[i],
            }
            text = view.text[i]
            if kind == RETWEET:
                message["forwarded_from"] = view.parent_name[i]
                message["forwarded_from_id"] = view.parent_author_id[i]
                text = _RETWEET_PREFIX.sub("", text, count=1)
            elif kind == REPLY:
                message["reply_to_message_id"] = self._number(int(b.parent[i]))
            if b.media[i]:
                day, clock = local[i].split("T")
                stamp = f"{day[8:]}-{day[5:7]}-{day[:4]}_{clock.replace(':', '-')}"  # the app's dd-mm-yyyy
                message |= {"photo": f"photos/photo_{number}@{stamp}.jpg", "width": 1280, "height": 720}
            message["text"], message["text_entities"] = text_parts(text)
            body = json.dumps(message, ensure_ascii=False, indent=1).replace("\n", "\n  ")
            self._fh.write(("\n  " if self._first else ",\n  ") + body)
            self._first = False
