"""The incident record that unmask documents: the fields of a DISARM incident page, as plain data.

One model serves three producers (DISARM's own CSVs, an imported page, unmask's detection) and two
consumers (the page renderer and the store), so it is JSON round-trippable through `to_dict`/`from_dict`.

Text fields hold page markup as DISARM writes it (`<i>`, `<br>`): the renderer keeps DISARM's own tags and
neutralises anything else, so hostile text (post text, account names) cannot inject markup or table rows.
Free-form fields keep the text exactly as written (year "2017.0", date ""), because the linter, not the
model, is where malformed values are reported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from unmask.errors import InputError


class TechniqueStatus(StrEnum):
    """Whether an analyst has reviewed a technique link; only accepted links are fit to publish."""

    INFERRED = "inferred"  # proposed by unmask from the data, not reviewed yet
    ACCEPTED = "accepted"  # confirmed by an analyst (DISARM's own incidents are accepted)
    REJECTED = "rejected"  # reviewed and refused: kept in the store, never rendered


@dataclass(slots=True)
class Reference:
    """A published source about the incident: one row of the page's reference table."""

    url: str
    publication_date: str = ""  # as DISARM writes it, e.g. "2023/10/25"
    authors: str = ""
    organisation: str = ""
    archive_url: str = ""
    title: str = ""  # link text; DISARM pages use the URL itself, so "" means "show the URL"


@dataclass(slots=True)
class IncidentTechnique:
    """One DISARM technique seen in the incident, with the passage that shows it."""

    technique_id: str
    description: str = ""  # the evidence passage and the analyst's reason, as page markup
    name: str = ""  # the technique's name as printed; "" lets the renderer take it from a catalogue
    evidence: list[str] = field(default_factory=list)  # post ids / URLs in this incident's own data
    status: TechniqueStatus = TechniqueStatus.ACCEPTED


@dataclass(slots=True)
class Incident:
    """A DISARM incident: what happened, where it was reported, and which techniques were used."""

    id: str
    name: str
    summary: str = ""
    incident_type: str = ""  # DISARM's objecttype: incident, campaign, ...
    year_started: str = ""
    attributed_to: str = ""  # DISARM's attributions_seen: first value of the page's "Countries"
    countries: str = ""  # DISARM's found_in_country: second value of the page's "Countries"
    found_via: str = ""
    date_added: str = ""  # YYYY-MM-DD
    references: list[Reference] = field(default_factory=list)
    techniques: list[IncidentTechnique] = field(default_factory=list)
    notes_below_line: str = ""  # hand-written notes under the "DO NOT EDIT ABOVE THIS LINE" line
    catalogue_version: str = ""  # the DISARM release the technique ids were checked against

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (enums become their string values)."""
        data = asdict(self)
        for technique in data["techniques"]:
            technique["status"] = str(technique["status"])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Incident:
        """Rebuild an Incident from `to_dict` output; raise InputError on anything else."""
        try:
            kwargs = _strings(cls, data, skip={"references", "techniques"})
            kwargs["references"] = [
                Reference(**_strings(Reference, ref)) for ref in data.get("references", [])
            ]
            kwargs["techniques"] = [_technique(item) for item in data.get("techniques", [])]
            return cls(**kwargs)
        except (TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"not an incident record: {exc}") from exc


def _technique(data: dict[str, Any]) -> IncidentTechnique:
    kwargs: dict[str, Any] = _strings(IncidentTechnique, data, skip={"evidence", "status"})
    evidence = data.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(ref, str) for ref in evidence):
        raise TypeError("technique evidence must be a list of strings")
    kwargs["evidence"] = list(evidence)
    kwargs["status"] = TechniqueStatus(data.get("status", TechniqueStatus.ACCEPTED))
    return IncidentTechnique(**kwargs)


def _strings(
    cls: type, data: dict[str, Any], skip: frozenset[str] | set[str] = frozenset()
) -> dict[str, Any]:
    """The string fields of dataclass `cls` found in `data`; unknown keys and non-strings are errors."""
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise TypeError(f"unknown field(s) for {cls.__name__}: {', '.join(sorted(unknown))}")
    out = {}
    for name in names - set(skip):
        if name in data:
            if not isinstance(data[name], str):
                raise TypeError(f"{cls.__name__}.{name} must be a string")
            out[name] = data[name]
    return out
