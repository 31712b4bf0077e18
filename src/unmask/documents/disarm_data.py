"""DISARM's own incidents, read from the CSV export of DISARM_DATA_MASTER where it lives (never vendored).

The CSV directory holds one CSV per sheet (incidents.csv, urls.csv, techniques.csv) plus
incident_technique_pairs.csv, one row per (incident, technique) with the evidence passage and ids already
cleaned of the stray and non-breaking spaces that make DISARM's generated pages drop links. The known
incidents serve as golden data for the renderer and as the corpus the linter compares evidence against.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from pathlib import Path

from unmask.documents.catalogue import Catalogue, shared_file
from unmask.documents.disarm_page import render
from unmask.documents.incident import Incident, IncidentTechnique, Reference
from unmask.errors import InputError, NotFoundError

CSV_ENV = "UNMASK_DISARM_CSV"


def find_csv_dir() -> Path | None:
    """$UNMASK_DISARM_CSV, else ../shared/disarm/csv beside the current directory or the project."""
    configured = os.environ.get(CSV_ENV)
    if configured:
        if not Path(configured, "incidents.csv").is_file():
            raise InputError(f"{CSV_ENV}={configured} holds no incidents.csv")
        return Path(configured)
    shared = shared_file("disarm/csv/incidents.csv")
    return shared.parent if shared else None


def load_known_incidents(csv_dir: str | Path) -> dict[str, Incident]:
    """Every DISARM incident in the CSV directory, by id, techniques sorted as DISARM's pages sort them."""
    try:
        return _incidents(Path(csv_dir))
    except KeyError as exc:
        raise InputError(f"a DISARM CSV in {csv_dir} has no column {exc}") from exc


def _incidents(csv_dir: Path) -> dict[str, Incident]:
    names = {row["disarm_id"]: row["name"] for row in _rows(csv_dir / "techniques.csv")}
    urls = {row["url_id"]: row for row in _rows(csv_dir / "urls.csv")}
    techniques: dict[str, list[IncidentTechnique]] = defaultdict(list)
    for row in _rows(csv_dir / "incident_technique_pairs.csv"):
        technique_id = row["technique_id"]
        techniques[row["incident_id"]].append(
            IncidentTechnique(technique_id, row["description"], names.get(technique_id, ""))
        )
    return {
        row["disarm_id"]: Incident(
            id=row["disarm_id"],
            name=row["name"],
            summary=row["summary"],
            incident_type=row["objecttype"],
            year_started=row["year_started"],
            attributed_to=row["attributions_seen"],
            countries=row["found_in_country"],
            found_via=row["found_via"],
            date_added=row["when_added"],
            references=[_reference(url, urls.get(url)) for url in row["urls"].split()],
            techniques=sorted(techniques[row["disarm_id"]], key=lambda t: t.technique_id),
        )
        for row in _rows(csv_dir / "incidents.csv")
    }


def load_known_incident(incident_id: str, csv_dir: str | Path) -> Incident:
    """One DISARM incident by id (I00093); NotFoundError if DISARM has no such incident."""
    incident = load_known_incidents(csv_dir).get(incident_id)
    if incident is None:
        raise NotFoundError(f"DISARM has no incident {incident_id} in {csv_dir}")
    return incident


def show(identifier: str, *, catalogue: Catalogue, csv_dir: str | Path | None = None) -> str:
    """Text for `unmask disarm show ID`: a technique from the catalogue, or a known incident's page."""
    if identifier in catalogue:
        technique = catalogue[identifier]
        lines = [
            f"{technique.id} {technique.name}",
            f"Tactic: {' '.join(filter(None, (technique.tactic_id, technique.tactic)))}",
        ]
        if technique.parent:
            lines.append(f"Parent technique: {technique.parent} {catalogue.name(technique.parent)}")
        lines += ["", technique.description, "", f"Source: {catalogue.version} ({catalogue.source})"]
        return "\n".join(lines) + "\n"
    csv_dir = csv_dir or find_csv_dir()
    if csv_dir is None:
        raise NotFoundError(
            f"{identifier} is not a technique of {catalogue.version} and no DISARM CSVs found"
        )
    return render(load_known_incident(identifier, csv_dir))


def _reference(url: str, row: dict[str, str] | None) -> Reference:
    """A reference with the metadata urls.csv has for it (none for URLs DISARM never described)."""
    row = row or {}
    return Reference(
        url=url,
        publication_date=row.get("pub_date", ""),
        authors=row.get("authors", ""),
        organisation=row.get("org", ""),
        archive_url=row.get("archive_link", ""),
    )


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise InputError(f"cannot read DISARM data {path}: {exc}") from exc
