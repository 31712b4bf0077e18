"""Fixtures for the document layer: DISARM's data read from ../shared (skipped with a reason without it),
and a filled-in incident as unmask would write it up."""

from __future__ import annotations

from pathlib import Path

import pytest

from unmask.documents.catalogue import Catalogue, load_catalogue
from unmask.documents.disarm_data import load_known_incidents
from unmask.documents.incident import Incident, IncidentTechnique, Reference
from unmask.documents.lint import KnownEvidence

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DISARM = SHARED / "disarm"


@pytest.fixture(scope="session")
def disarm_dir() -> Path:
    if not (DISARM / "csv").is_dir():
        pytest.skip(f"DISARM reference data not found at {DISARM} (the shared folder beside the project)")
    return DISARM


@pytest.fixture(scope="session")
def csv_dir(disarm_dir: Path) -> Path:
    return disarm_dir / "csv"


@pytest.fixture(scope="session")
def golden_dir(disarm_dir: Path) -> Path:
    return disarm_dir / "golden" / "incidents"


@pytest.fixture(scope="session")
def stix_path(disarm_dir: Path) -> Path:
    return disarm_dir / "upstream_original" / "DISARM_STIX_bundle_v1.6.json"


@pytest.fixture(scope="session")
def seed_copy(disarm_dir: Path) -> Path:
    return SHARED / "seeds" / "I00093-copy.md"


@pytest.fixture(scope="session")
def catalogue(stix_path: Path) -> Catalogue:
    return load_catalogue(stix_path)


@pytest.fixture(scope="session")
def known(csv_dir: Path) -> dict[str, Incident]:
    return load_known_incidents(csv_dir)


@pytest.fixture
def no_configured_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No env var, no synced bundle and no ../shared: where the catalogue search finds nothing."""
    monkeypatch.delenv("UNMASK_DISARM_STIX", raising=False)
    monkeypatch.delenv("UNMASK_DISARM_CSV", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("unmask.documents.catalogue._PROJECT_ROOT", tmp_path / "project")
    return tmp_path


POSTS = {
    "1700000000000000001": "Trudeau is a hypocrite who lets foreign criminals run free in Canada, ask why",
    "1700000000000000002": "Trudeau is a hypocrite who lets foreign criminals run free in Canada, ask why!",
    "1700000000000000003": "I am a Canadian government official and I can say the MPs are corrupt",
}


@pytest.fixture
def posts() -> KnownEvidence:
    """The posts of the complete incident below, as the store would give them to the linter."""
    return KnownEvidence(texts=tuple(POSTS.values()), ids=frozenset(POSTS))


@pytest.fixture
def complete_incident() -> Incident:
    """A filled-in write-up of the 2023 Spamouflage campaign against Canadian MPs, evidence from its posts."""
    copy_pasta = POSTS["1700000000000000001"]
    return Incident(
        id="UM-2023-0001",
        name="Spamouflage network targets Canadian MPs",
        summary="A network of new and hijacked accounts bulk-posted the same messages about Canadian MPs.",
        incident_type="campaign",
        year_started="2023",
        attributed_to="China",
        countries="Canada",
        found_via="unmask co-post signal",
        date_added="2023-10-23",
        references=[
            Reference(
                url="https://www.canada.ca/en/global-affairs/news/2023/10/rrm-canada-detects-spamouflage.html",
                publication_date="2023/10/23",
                authors="Rapid Response Mechanism Canada",
                organisation="Global Affairs Canada",
                archive_url="https://web.archive.org/web/2023/https://www.canada.ca/rrm-spamouflage.html",
            )
        ],
        techniques=[
            IncidentTechnique(
                technique_id="T0049.005",
                name="Conduct Swarming",
                description=f"<i>“{copy_pasta}”</i><br><br> Dozens of accounts posted this within "
                "minutes (T0049.005: Conduct Swarming).",
                evidence=["1700000000000000001", "1700000000000000002"],
            ),
            IncidentTechnique(
                technique_id="T0097.111",
                name="Government Official Persona",
                description=f"<i>“{POSTS['1700000000000000003']}”</i><br><br> An account presented as "
                "an official (T0097.111: Government Official Persona).",
                evidence=["1700000000000000003"],
            ),
        ],
        catalogue_version="DISARM Red Framework v1.6 (STIX bundle)",
    )
