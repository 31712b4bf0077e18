"""The DISARM catalogue: read from a STIX bundle keyed on DISARM ids, found by search, or the older galaxy."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from unmask.documents.catalogue import Catalogue, default_sync_path, find_bundle, load_catalogue
from unmask.errors import InputError


def test_bundle_gives_every_technique_tactic_and_parent(catalogue: Catalogue, stix_path: Path) -> None:
    bundle = json.loads(stix_path.read_text(encoding="utf-8"))
    attack_patterns = [obj for obj in bundle["objects"] if obj["type"] == "attack-pattern"]
    relations = [obj for obj in bundle["objects"] if obj.get("relationship_type") == "subtechnique-of"]
    assert len(catalogue) == len(attack_patterns) == 391
    assert len(catalogue.tactics) == 16
    assert sum(1 for technique in catalogue.values() if technique.parent) == len(relations)
    denial = catalogue["T0129.006"]
    assert (denial.name, denial.parent, denial.tactic_id, denial.tactic) == (
        "Deny Involvement",
        "T0129",
        "TA11",
        "Persist in the Information Environment",
    )
    assert catalogue.version == "DISARM Red Framework v1.6 (STIX bundle)"
    assert catalogue.source == str(stix_path)


def test_bundle_names_match_disarm_own_technique_sheet(catalogue: Catalogue, csv_dir: Path) -> None:
    with (csv_dir / "techniques.csv").open(encoding="utf-8", newline="") as handle:
        sheet = {row["disarm_id"]: row for row in csv.DictReader(handle)}
    assert set(sheet) == set(catalogue)
    assert {tid: catalogue[tid].name for tid in sheet} == {tid: row["name"] for tid, row in sheet.items()}
    assert all(catalogue[tid].tactic_id == row["tactic_id"] for tid, row in sheet.items())


def test_catalogue_keys_on_disarm_ids_not_stix_ids(stix_path: Path, tmp_path: Path) -> None:
    """A later release re-issues every STIX id; the catalogue must not change."""
    text = stix_path.read_text(encoding="utf-8")
    renamed = text.replace("attack-pattern--", "attack-pattern--0").replace(
        "x-mitre-tactic--", "x-mitre-tactic--0"
    )
    path = tmp_path / "DISARM_STIX_bundle_v1.6.json"
    path.write_text(renamed, encoding="utf-8")
    assert load_catalogue(path).techniques == load_catalogue(stix_path).techniques


def test_version_without_release_in_file_name_uses_object_dates(stix_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "DISARM.json"
    path.write_bytes(stix_path.read_bytes())
    assert (
        load_catalogue(path).version
        == "DISARM Red Framework (STIX bundle, objects modified up to 2024-11-22)"
    )


def test_env_var_chooses_the_bundle(
    no_configured_sources: Path, stix_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNMASK_DISARM_STIX", str(stix_path))
    assert find_bundle() == stix_path
    assert "T0143.001" in load_catalogue()


def test_env_var_naming_a_missing_file_is_an_error(
    no_configured_sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNMASK_DISARM_STIX", str(no_configured_sources / "nope.json"))
    with pytest.raises(InputError, match="UNMASK_DISARM_STIX"):
        load_catalogue()


def test_synced_bundle_is_found(no_configured_sources: Path, stix_path: Path) -> None:
    synced = default_sync_path()
    assert synced.is_relative_to(no_configured_sources / "data")
    synced.parent.mkdir(parents=True)
    synced.write_bytes(stix_path.read_bytes())
    assert find_bundle() == synced


def test_shared_folder_beside_the_working_directory_is_found(
    no_configured_sources: Path, stix_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = no_configured_sources / "work" / "project"
    project.mkdir(parents=True)
    shared_bundle = (
        no_configured_sources / "work" / "shared" / "disarm" / "upstream_original" / stix_path.name
    )
    shared_bundle.parent.mkdir(parents=True)
    shared_bundle.write_bytes(stix_path.read_bytes())
    monkeypatch.chdir(project)
    assert find_bundle() == Path.cwd().parent / "shared/disarm/upstream_original" / stix_path.name


def test_offline_fallback_warns_and_lacks_newer_techniques(no_configured_sources: Path) -> None:
    with pytest.warns(UserWarning, match=r"v1\.4.*T0097\.111 and T0143\.001"):
        galaxy = load_catalogue()
    assert "pymispgalaxies" in galaxy.version and "v1.4" in galaxy.version
    assert "T0097.111" not in galaxy and "T0143.001" not in galaxy
    assert galaxy["T0009.001"].parent == "T0009"
    assert galaxy["T0002"].tactic == "Plan Objectives"
    assert [tactic.name for tactic in galaxy.tactics][:2] == ["Plan Strategy", "Plan Objectives"]


def test_given_path_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_catalogue(tmp_path / "missing.json")


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"type": "bundle", "objects": [{"type": "identity"}]}),
        json.dumps([1, 2]),
        json.dumps({"type": "bundle", "objects": [{"type": "attack-pattern", "external_references": "T1"}]}),
    ],
)
def test_file_that_is_not_a_disarm_bundle_is_an_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        load_catalogue(path)
