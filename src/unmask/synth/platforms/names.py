"""The platforms a scenario can span, in the order files and truth rows are written."""

from __future__ import annotations

from collections.abc import Iterable

from unmask.errors import InputError

X = "x"
PLATFORMS: tuple[str, ...] = (
    X, "facebook", "youtube", "reddit", "tiktok", "instagram", "telegram", "bluesky"
)  # fmt: skip


def parse_platforms(names: str | Iterable[str]) -> tuple[str, ...]:
    """Platform names from `x,facebook,...` (or a list), validated, deduplicated, in PLATFORMS order."""
    given = names.split(",") if isinstance(names, str) else list(names)
    wanted = {name.strip().lower() for name in given if name.strip()}
    unknown = sorted(wanted - set(PLATFORMS))
    if unknown or not wanted:
        raise InputError(
            f"platforms must be a comma-separated subset of {','.join(PLATFORMS)}, not {','.join(given)!r}"
        )
    return tuple(p for p in PLATFORMS if p in wanted)
