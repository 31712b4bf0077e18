"""The DISARM Red Framework catalogue (tactics and techniques), read at run time from where it lives.

DISARM is CC BY-SA and changes between releases, so unmask ships none of it: it reads a DISARM STIX
bundle (given, configured, synced with `unmask disarm sync`, or the developers' ../shared copy) and falls
back to the older DISARM MISP galaxy inside the `pymispgalaxies` package, with a warning, when none is
found. Techniques are keyed on their DISARM id (T0097.111), never on STIX ids, which change per release.
Every catalogue carries a version string so each document can say which release it was checked against.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from unmask.errors import InputError

STIX_ENV = "UNMASK_DISARM_STIX"
SYNCED_BUNDLE_NAME = "DISARM.json"  # as DISARM names it in generated_files/DISARM_STIX/
_SHARED_BUNDLE = "disarm/upstream_original/DISARM_STIX_bundle_v1.6.json"
_PROJECT_ROOT = Path(__file__).resolve().parents[3]
# pymispgalaxies 1.1.x ships the DISARM galaxies generated from DISARM v1.4 (March 2024).
_GALAXY_RELEASES = {"1.1": "v1.4"}


@dataclass(frozen=True, slots=True)
class Tactic:
    id: str  # "TA16"; "" when the source does not give tactic ids (the MISP galaxy)
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Technique:
    id: str  # "T0097.111"
    name: str
    description: str = ""
    tactic: str = ""  # tactic name, e.g. "Establish Legitimacy"
    tactic_id: str = ""  # "TA16"; "" when the source does not give tactic ids
    parent: str | None = None  # parent technique id for a sub-technique


@dataclass(frozen=True, slots=True)
class Catalogue(Mapping[str, Technique]):
    """Techniques by DISARM id, tactics in framework order, and where they came from."""

    techniques: Mapping[str, Technique]
    tactics: tuple[Tactic, ...]
    version: str  # e.g. "DISARM Red Framework v1.6 (STIX bundle)"
    source: str  # file path or package the catalogue was read from

    def __getitem__(self, technique_id: str) -> Technique:
        return self.techniques[technique_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.techniques)

    def __len__(self) -> int:
        return len(self.techniques)

    def name(self, technique_id: str) -> str:
        """The technique's name, or "" when this release does not have it."""
        technique = self.techniques.get(technique_id)
        return technique.name if technique else ""


def default_sync_path() -> Path:
    """Where `unmask disarm sync` stores the bundle: the user's data directory (XDG)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "unmask" / "disarm" / SYNCED_BUNDLE_NAME


def find_bundle() -> Path | None:
    """The first bundle found: $UNMASK_DISARM_STIX, the synced copy, ../shared beside cwd or project."""
    configured = os.environ.get(STIX_ENV)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise InputError(f"{STIX_ENV}={configured} is not a file")
        return path
    synced = default_sync_path()
    return synced if synced.is_file() else shared_file(_SHARED_BUNDLE)


def shared_file(relative: str) -> Path | None:
    """A file of the developers' and CI's reference folder, ../shared beside the working dir or project."""
    candidates = (Path.cwd().parent / "shared" / relative, _PROJECT_ROOT.parent / "shared" / relative)
    return next((path for path in candidates if path.is_file()), None)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load the catalogue from `path`, else from `find_bundle()`, else from pymispgalaxies with a warning."""
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise InputError(f"DISARM STIX bundle not found: {path}")
    else:
        path = find_bundle()
    if path is None:
        return _galaxy_catalogue()
    try:
        bundle = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read DISARM STIX bundle {path}: {exc}") from exc
    return catalogue_from_bundle(bundle, path)


def catalogue_from_bundle(bundle: Any, path: Path) -> Catalogue:
    """Build a catalogue from a parsed STIX 2.1 bundle kept at `path`; InputError if it has no techniques."""
    try:
        return _catalogue_from_bundle(bundle, path)
    except (AttributeError, TypeError, IndexError) as exc:
        raise InputError(f"{path} is a malformed STIX bundle: {exc}") from exc


def _catalogue_from_bundle(bundle: Any, path: Path) -> Catalogue:
    source = str(path)
    objects = bundle.get("objects") if isinstance(bundle, dict) and bundle.get("type") == "bundle" else None
    if not isinstance(objects, list):
        raise InputError(f"{source} is not a STIX bundle")
    objects = [obj for obj in objects if isinstance(obj, dict)]
    tactic_by_shortname = {
        obj.get("x_mitre_shortname"): Tactic(
            _external_id(obj), obj.get("name", ""), obj.get("description", "")
        )
        for obj in objects
        if obj.get("type") == "x-mitre-tactic"
    }
    stix_to_disarm = {}
    techniques: dict[str, Technique] = {}
    for obj in objects:
        technique_id = _external_id(obj) if obj.get("type") == "attack-pattern" else ""
        if not technique_id:
            continue
        phases = obj.get("kill_chain_phases") or [{}]
        tactic = tactic_by_shortname.get(phases[0].get("phase_name"), Tactic("", ""))
        stix_to_disarm[obj.get("id")] = technique_id
        techniques[technique_id] = Technique(
            technique_id, obj.get("name", ""), obj.get("description", ""), tactic.name, tactic.id
        )
    if not techniques:
        raise InputError(f"{source} holds no DISARM techniques (attack-patterns with an external id)")
    for obj in objects:
        if obj.get("type") == "relationship" and obj.get("relationship_type") == "subtechnique-of":
            child, parent = (
                stix_to_disarm.get(obj.get("source_ref")),
                stix_to_disarm.get(obj.get("target_ref")),
            )
            if child and parent:
                techniques[child] = replace(techniques[child], parent=parent)
    version = _bundle_version(path.name, objects)
    return Catalogue(techniques, tuple(tactic_by_shortname.values()), version, source)


def _bundle_version(file_name: str, objects: list[dict[str, Any]]) -> str:
    """Name the release: from the file name (…_v1.6.json) or, failing that, the newest object date."""
    match = re.search(r"v(\d+(?:\.\d+)+)", file_name)
    if match:
        return f"DISARM Red Framework v{match.group(1)} (STIX bundle)"
    newest = max((str(obj.get("modified", "")) for obj in objects), default="")[:10]
    return f"DISARM Red Framework (STIX bundle, objects modified up to {newest or 'an unknown date'})"


def _external_id(obj: dict[str, Any]) -> str:
    """The DISARM id in a STIX object's external references (source 'mitre-attack' or 'DISARM')."""
    for ref in obj.get("external_references") or []:
        if isinstance(ref, dict) and ref.get("external_id"):
            return str(ref["external_id"])
    return ""


def _galaxy_catalogue() -> Catalogue:
    """Offline fallback: the DISARM MISP galaxy bundled with pymispgalaxies (older than current DISARM)."""
    try:
        from pymispgalaxies import Cluster, Galaxy
    except ImportError as exc:
        raise InputError(
            f"no DISARM catalogue: no STIX bundle found (set {STIX_ENV} or run `unmask disarm sync`) "
            "and pymispgalaxies is not installed"
        ) from exc
    package_version = metadata.version("pymispgalaxies")
    release = _GALAXY_RELEASES.get(".".join(package_version.split(".")[:2]), "of an unknown release")
    version = f"DISARM Red Framework {release} (MISP galaxy from pymispgalaxies {package_version})"
    tactics = tuple(Tactic("", name) for name in Galaxy("disarm-techniques").kill_chain_order["tactics"])
    techniques = {}
    for value in Cluster("disarm-techniques").values():
        extra = value.meta.additional_properties if value.meta else {}
        technique_id = extra.get("external_id", "")
        kill_chain = extra.get("kill_chain") or [""]
        techniques[technique_id] = Technique(
            technique_id, value.value, value.description or "", kill_chain[0].removeprefix("tactics:")
        )
    for technique_id, technique in techniques.items():
        parent = technique_id.rpartition(".")[0]
        if parent in techniques:
            techniques[technique_id] = replace(technique, parent=parent)
    warnings.warn(
        f"No DISARM STIX bundle found (set {STIX_ENV} or run `unmask disarm sync`): using {version} with "
        f"{len(techniques)} techniques. Techniques added to DISARM since then (for example T0097.111 and "
        "T0143.001) are missing and will be reported as unknown.",
        stacklevel=2,
    )
    return Catalogue(techniques, tactics, version, f"pymispgalaxies {package_version}")
