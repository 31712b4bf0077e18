"""CSV cells that a spreadsheet will not execute: formula injection neutralised (OWASP advice)."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell starting with = + - @ (or tab/CR) gets a leading apostrophe so it stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
