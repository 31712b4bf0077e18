"""Registry of the links posts share: each expanded URL gets an index and a stable t.co short link."""

from __future__ import annotations

import hashlib

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def short_link(url: str) -> str:
    """A deterministic t.co-style link, so the same URL shared twice gives the same text."""
    n = int.from_bytes(hashlib.blake2b(url.encode(), digest_size=8).digest(), "big")
    chars = []
    for _ in range(10):
        n, r = divmod(n, 62)
        chars.append(_ALPHABET[r])
    return "https://t.co/" + "".join(chars)


class UrlBook:
    """Append-only list of expanded URLs with their short links; posts refer to them by index."""

    def __init__(self) -> None:
        self.expanded: list[str] = []
        self.short: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, url: str) -> int:
        found = self._index.get(url)
        if found is not None:
            return found
        self._index[url] = len(self.expanded)
        self.expanded.append(url)
        self.short.append(short_link(url))
        return len(self.expanded) - 1
