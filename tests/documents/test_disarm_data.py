"""DISARM's own incidents, read from its CSVs where they live."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from unmask.documents.catalogue import Catalogue
from unmask.documents.disarm_data import find_csv_dir, load_known_incident, load_known_incidents, show
from unmask.documents.incident import Incident, TechniqueStatus
from unmask.errors import InputError, NotFoundError


def test_every_incident_and_technique_link_is_loaded(known: dict[str, Incident], csv_dir: Path) -> None:
    with (csv_dir / "incident_technique_pairs.csv").open(encoding="utf-8", newline="") as handle:
        pairs = list(csv.DictReader(handle))
    assert len(known) == 129
    assert sum(len(incident.techniques) for incident in known.values()) == len(pairs)
    assert all(
        t.status is TechniqueStatus.ACCEPTED for incident in known.values() for t in incident.techniques
    )


def test_known_incident_fields(csv_dir: Path) -> None:
    incident = load_known_incident("I00064", csv_dir)
    assert (incident.incident_type, incident.year_started, incident.attributed_to, incident.countries) == (
        "incident",
        "2017",
        "UK",
        "UK",
    )
    assert incident.date_added == "2024-03-12"
    assert [t.technique_id for t in incident.techniques] == sorted(
        t.technique_id for t in incident.techniques
    )
    reference = incident.references[0]
    assert reference.url == "https://www.wired.co.uk/article/tinder-political-bots-jeremy-corbyn-labour"
    assert (reference.publication_date, reference.organisation) == ("2017/07/07", "Wired")
    assert reference.archive_url.startswith("https://web.archive.org/")


def test_technique_names_come_from_disarm(known: dict[str, Incident], catalogue: Catalogue) -> None:
    named = [t for incident in known.values() for t in incident.techniques if t.name]
    assert named and all(t.name == catalogue.name(t.technique_id) for t in named)
    unnamed = {t.technique_id for incident in known.values() for t in incident.techniques if not t.name}
    assert unnamed == {"T0097.003", "T0143.208", "T00145.006"}  # linked in DISARM's data, absent from DISARM


def test_unknown_incident_is_not_found(csv_dir: Path) -> None:
    with pytest.raises(NotFoundError):
        load_known_incident("I99999", csv_dir)


def test_missing_or_foreign_csvs_are_input_errors(tmp_path: Path, csv_dir: Path) -> None:
    with pytest.raises(InputError):
        load_known_incidents(tmp_path)
    for name in ("techniques.csv", "urls.csv", "incident_technique_pairs.csv"):
        (tmp_path / name).write_bytes((csv_dir / name).read_bytes())
    (tmp_path / "incidents.csv").write_text("id,title\nI1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column"):
        load_known_incidents(tmp_path)


def test_csv_dir_from_env(
    csv_dir: Path, monkeypatch: pytest.MonkeyPatch, no_configured_sources: Path
) -> None:
    assert find_csv_dir() is None
    monkeypatch.setenv("UNMASK_DISARM_CSV", str(csv_dir))
    assert find_csv_dir() == csv_dir
    monkeypatch.setenv("UNMASK_DISARM_CSV", str(no_configured_sources))
    with pytest.raises(InputError):
        find_csv_dir()


def test_show_technique_and_incident(catalogue: Catalogue, csv_dir: Path, golden_dir: Path) -> None:
    text = show("T0129.006", catalogue=catalogue, csv_dir=csv_dir)
    assert text.startswith("T0129.006 Deny Involvement\n")
    assert "Parent technique: T0129 Conceal Operational Activity" in text
    assert "DISARM Red Framework v1.6" in text
    assert show("I00093", catalogue=catalogue, csv_dir=csv_dir) == (golden_dir / "I00093.md").read_text(
        "utf-8"
    )
    with pytest.raises(NotFoundError):
        show("T9999", catalogue=catalogue, csv_dir=csv_dir)
