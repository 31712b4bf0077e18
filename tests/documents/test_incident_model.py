"""The Incident model survives JSON (what the store keeps) and refuses data that is not an incident."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unmask.documents.incident import Incident, IncidentTechnique, Reference, TechniqueStatus
from unmask.errors import InputError

texts = st.text(max_size=40)
references = st.builds(
    Reference,
    url=texts,
    publication_date=texts,
    authors=texts,
    organisation=texts,
    archive_url=texts,
    title=texts,
)
techniques = st.builds(
    IncidentTechnique,
    technique_id=texts,
    description=texts,
    name=texts,
    evidence=st.lists(texts, max_size=3),
    status=st.sampled_from(TechniqueStatus),
)
incidents = st.builds(
    Incident,
    id=texts,
    name=texts,
    summary=texts,
    incident_type=texts,
    year_started=texts,
    attributed_to=texts,
    countries=texts,
    found_via=texts,
    date_added=texts,
    references=st.lists(references, max_size=3),
    techniques=st.lists(techniques, max_size=3),
    notes_below_line=texts,
    catalogue_version=texts,
)


@given(incidents)
def test_json_round_trip(incident: Incident) -> None:
    data = json.loads(json.dumps(incident.to_dict()))
    assert Incident.from_dict(data) == incident


def test_status_is_stored_as_its_name(complete_incident: Incident) -> None:
    complete_incident.techniques[0].status = TechniqueStatus.INFERRED
    data = complete_incident.to_dict()
    assert data["techniques"][0]["status"] == "inferred"
    assert Incident.from_dict(data).techniques[0].status is TechniqueStatus.INFERRED


@pytest.mark.parametrize(
    "broken",
    [
        {"name": "no id"},
        {"id": "I1", "name": "x", "colour": "red"},
        {"id": "I1", "name": 3},
        {"id": "I1", "name": "x", "techniques": [{"technique_id": "T0001", "status": "maybe"}]},
        {"id": "I1", "name": "x", "techniques": [{"technique_id": "T0001", "evidence": "123"}]},
        {"id": "I1", "name": "x", "references": [{"link": "https://example.org"}]},
    ],
)
def test_from_dict_refuses_what_is_not_an_incident(broken: dict) -> None:
    with pytest.raises(InputError):
        Incident.from_dict(broken)
