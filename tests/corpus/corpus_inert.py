"""Checks that a document quoting hostile text holds it as text: no markup that runs or fetches.

`active_content` parses HTML (or the HTML inside Markdown) and lists every element or attribute that
would run script, fetch from anywhere, or navigate by itself; `visible_text` is what a reader sees.
The checks are independent of how unmask escapes, so they would catch any way of getting it wrong.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

# Elements that run, embed, fetch or redirect as soon as the page loads.
_ACTIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link",
                "portal", "foreignobject", "animate", "set", "handler", "listener"}  # fmt: skip
_URL_ATTRS = {"href", "src", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href",
              "ping", "lowsrc", "dynsrc", "srcdoc"}  # fmt: skip
_FETCHING_ATTRS = _URL_ATTRS - {"href", "action", "formaction"}  # fetched without a click
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
_CSS_FETCH = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these before reading a scheme


def _scheme_of(url: str) -> str:
    return _IGNORED_IN_URLS.sub("", url).lower()


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.text: list[str] = []
        self._raw = 0  # inside <script> or <style>: their content is not text a reader sees

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if tag in ("script", "style"):
            self._raw += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._raw:
            self._raw -= 1

    def handle_data(self, data: str) -> None:
        if self._raw:
            if _CSS_FETCH.search(data):
                self.found.append(f"style fetching: {data[:80]!r}")
        else:
            self.text.append(data)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and values.get("http-equiv", "").lower() not in ("", "content-security-policy"):
            self.found.append(f"<meta http-equiv={values['http-equiv']!r}>")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name == "style" and _CSS_FETCH.search(value):
                self.found.append(f"<{tag} style={value[:60]!r}>")
            elif name in _URL_ATTRS:
                scheme = _scheme_of(value)
                if scheme.startswith(_BAD_SCHEMES) or (name in _FETCHING_ATTRS and "//" in scheme):
                    self.found.append(f"<{tag} {name}={value[:60]!r}>")


def _scan(markup: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(markup)
    scanner.close()
    return scanner


def active_content(markup: str) -> list[str]:
    """Every element or attribute of `markup` that would run, fetch or redirect on its own."""
    return _scan(markup).found


def visible_text(markup: str) -> str:
    """The text a reader sees (entities decoded; script and style content left out)."""
    return "".join(_scan(markup).text)


_MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*([^)\s]*)")


def markdown_active_links(text: str) -> list[str]:
    """Markdown links to script or data URLs, and images (which a viewer fetches) of any URL."""
    return [
        match.group(0)[:80]
        for match in _MARKDOWN_LINK.finditer(text)
        if match.group(0).startswith("!") or _scheme_of(match.group(1)).startswith(_BAD_SCHEMES)
    ]


def files_of(payload: bytes) -> dict[str, bytes]:
    """An export's files: a zip's members, or the payload itself under the name ''."""
    if payload[:4] != b"PK\x03\x04":
        return {"": payload}
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
