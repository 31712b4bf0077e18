"""The layouts unmask knows, and choosing one for a file: by `--mapping`, by `--format`, or by sniffing.

Built-in layouts come first in the sniffing order; then the packaged mappings of the reference data
sets, which match only a header holding every column they read.
"""

from __future__ import annotations

from pathlib import Path

from unmask.errors import InputError, UnknownFormatError
from unmask.ingest.bluesky import BlueskyLayout
from unmask.ingest.crowdtangle import CrowdTangleLayout
from unmask.ingest.generic import GenericLayout, load_mapping, packaged_mappings
from unmask.ingest.io_archive import IoArchiveLayout
from unmask.ingest.layout import Layout
from unmask.ingest.meta_content_library import MetaContentLibraryLayout
from unmask.ingest.parsing import read_head
from unmask.ingest.qut_csv import QutCsvLayout
from unmask.ingest.reddit import RedditLayout
from unmask.ingest.telegram import TelegramLayout
from unmask.ingest.tiktok import TikTokLayout
from unmask.ingest.x_api_v2 import XApiV2Layout
from unmask.ingest.youtube import YouTubeLayout

GENERIC = "generic"  # `--format generic` needs `--mapping`

_BUILT_INS: list[Layout] = [
    IoArchiveLayout(),
    XApiV2Layout(),
    QutCsvLayout(),
    CrowdTangleLayout(),
    MetaContentLibraryLayout(),
    YouTubeLayout(),
    TelegramLayout(),
    TikTokLayout(),
    BlueskyLayout(),
    RedditLayout(),
]
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in [*_BUILT_INS, *(GenericLayout(load_mapping(name)) for name in packaged_mappings())]
}


def detect_layout(path: Path) -> Layout:
    """The first layout (in LAYOUTS order) whose sniff accepts the file's first 64 KiB."""
    head = read_head(path)
    for layout in LAYOUTS.values():
        if layout.sniff(head, path):
            return layout
    known = ", ".join(LAYOUTS)
    raise UnknownFormatError(
        f"{path}: not a layout unmask recognises (known formats: {known}); "
        "name one with --format, or describe the columns in a --mapping file"
    )


def resolve_layout(path: Path, format: str | None = None, mapping: str | Path | None = None) -> Layout:
    """The layout to read `path` with: a mapping wins, then an explicit format, else detection."""
    if mapping is not None:
        if format not in (None, GENERIC):
            raise InputError(
                f"--format {format} and --mapping exclude each other (or use --format {GENERIC})"
            )
        return GenericLayout(load_mapping(mapping))
    if format is None:
        return detect_layout(path)
    if format == GENERIC:
        raise InputError(f"--format {GENERIC} needs --mapping (a TOML file or a packaged mapping name)")
    if format not in LAYOUTS:
        raise InputError(f"unknown format {format!r}; valid: {', '.join([*LAYOUTS, GENERIC])}")
    return LAYOUTS[format]
