"""One entry point for every document unmask writes about detected campaigns (CLI and web call it).

`export(store, fmt, campaign_id=...)` returns the bytes, their media type and a file name; with `out`
it also writes them. Without a campaign id, every campaign is exported: formats that describe a
selection (stix, gexf, graphml, csv, takedown, notices) cover all of them in one document; formats
written per campaign (misp, disarm, html) come as a zip of one file per campaign. Zips are written
with the detection run's date, so the same store always gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from unmask.documents.build import Dossier, load_dossiers
from unmask.documents.catalogue import Catalogue, load_catalogue
from unmask.documents.disarm_page import render
from unmask.errors import InputError
from unmask.store import Store

Writer = Callable[[Store, list[Dossier], Catalogue], bytes | dict[str, bytes]]


@dataclass(frozen=True, slots=True)
class ExportResult:
    data: bytes
    media_type: str
    filename: str


# Writers import their format's module when called: pymisp alone takes seconds to import, and a CSV
# export (or `unmask --help`) should not wait for it.


def _stix(_store: Store, dossiers: list[Dossier], catalogue: Catalogue) -> bytes:
    from unmask.documents.stix import bundle_json

    return bundle_json(dossiers, catalogue)


def _misp(_store: Store, dossiers: list[Dossier], _catalogue: Catalogue) -> bytes:
    from unmask.documents.misp import event_json

    return event_json(dossiers[0])


def _gexf(_store: Store, dossiers: list[Dossier], _catalogue: Catalogue) -> bytes:
    from unmask.documents.graph_export import gexf_bytes

    return gexf_bytes(dossiers)


def _graphml(_store: Store, dossiers: list[Dossier], _catalogue: Catalogue) -> bytes:
    from unmask.documents.graph_export import graphml_bytes

    return graphml_bytes(dossiers)


def _csv(_store: Store, dossiers: list[Dossier], _catalogue: Catalogue) -> dict[str, bytes]:
    from unmask.documents.tabular import csv_files

    return csv_files(dossiers)


def _takedown(_store: Store, dossiers: list[Dossier], _catalogue: Catalogue) -> bytes:
    from unmask.documents.takedown import takedown_csv

    return takedown_csv(dossiers)


def _notices(store: Store, dossiers: list[Dossier], _catalogue: Catalogue) -> dict[str, bytes]:
    from unmask.documents.notices import notice_files

    return notice_files(store, dossiers)


def _disarm(_store: Store, dossiers: list[Dossier], catalogue: Catalogue) -> bytes:
    return render(dossiers[0].incident, catalogue=catalogue).encode("utf-8")


def _html(_store: Store, dossiers: list[Dossier], catalogue: Catalogue) -> bytes:
    from unmask.documents.html_report import report_html

    return report_html(dossiers[0], catalogue)


@dataclass(frozen=True, slots=True)
class Format:
    media_type: str
    extension: str
    write: Writer  # bytes for one document, a dict of file name -> bytes for a zip
    help: str
    per_campaign: bool = False  # written once per campaign (zipped when there are several)


FORMATS: dict[str, Format] = {
    "stix": Format(
        "application/stix+json;version=2.1",
        ".stix.json",
        _stix,
        "STIX 2.1 bundle: campaign, DISARM attack-patterns, targets, accounts, report",
    ),
    "misp": Format(
        "application/json", ".misp.json", _misp, "MISP event with DISARM galaxy tags", per_campaign=True
    ),
    "gexf": Format("application/gexf+xml", ".gexf", _gexf, "account network for Gephi"),
    "graphml": Format("application/graphml+xml", ".graphml", _graphml, "account network as GraphML"),
    "csv": Format("application/zip", ".csv.zip", _csv, "accounts.csv and evidence.csv, zipped"),
    "takedown": Format(
        "text/csv; charset=utf-8",
        ".takedown.csv",
        _takedown,
        "accounts to remove per platform, with evidence",
    ),
    "notices": Format(
        "application/zip", ".notices.zip", _notices, "one HTML notice per targeted account, zipped"
    ),
    "disarm": Format(
        "text/markdown; charset=utf-8", ".md", _disarm, "DISARM incident page (Markdown)", per_campaign=True
    ),
    "html": Format(
        "text/html; charset=utf-8", ".html", _html, "self-contained HTML report", per_campaign=True
    ),
}
REPORT_FORMATS = ("disarm", "html")  # what `unmask report CAMPAIGN_ID --format` offers


def export(
    store: Store,
    fmt: str,
    *,
    campaign_id: str | None = None,
    out: str | Path | None = None,
    catalogue: Catalogue | None = None,
) -> ExportResult:
    """Export one campaign (or all) as `fmt`; write to `out` (a file, or a directory to put it in).

    Raises InputError for an unknown format, NotFoundError for an unknown campaign or none at all.
    """
    spec = FORMATS.get(fmt)
    if spec is None:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    catalogue = catalogue or load_catalogue()
    dossiers = load_dossiers(store, campaign_id, catalogue=catalogue)
    scope = dossiers[0].incident.id if campaign_id else "unmask-all"
    if spec.per_campaign and len(dossiers) > 1:
        files = {f"{d.incident.id}{spec.extension}": _document(spec, store, [d], catalogue) for d in dossiers}
        result = ExportResult(_zip(files, dossiers), "application/zip", f"{scope}-{fmt}.zip")
    else:
        data = _document(spec, store, dossiers, catalogue)
        result = ExportResult(data, spec.media_type, f"{scope}{spec.extension}")
    if out is not None:
        write_result(result, Path(out))
    return result


def _document(spec: Format, store: Store, dossiers: list[Dossier], catalogue: Catalogue) -> bytes:
    written = spec.write(store, dossiers, catalogue)
    return _zip(written, dossiers) if isinstance(written, dict) else written


def _zip(files: dict[str, bytes], dossiers: list[Dossier]) -> bytes:
    """A zip with fixed entry dates (the run's) and sorted names: same input, same bytes."""
    when = max(d.data.run_at for d in dossiers)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(max(when.year, 1980), *when.timetuple()[1:6]))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def write_result(result: ExportResult, out: Path) -> Path:
    """Write the export to `out`, or into `out` under its own name when `out` is a directory."""
    target = out / result.filename if out.is_dir() else out
    try:
        target.write_bytes(result.data)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc}") from exc
    return target
