"""The linter on the case unmask started from (the defective I00093 copy), on DISARM's own page, and on a
complete write-up; then each check on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.documents.catalogue import Catalogue
from unmask.documents.disarm_page import render
from unmask.documents.incident import Incident, IncidentTechnique, TechniqueStatus
from unmask.documents.lint import Finding, KnownEvidence, format_findings, lint_file, lint_page

EMPTY_METADATA = [
    (5, "empty-field", "Incident type is empty"),
    (7, "empty-field", "Year started is empty"),
    (9, "empty-field", "Countries: no attribution (first value) and no country (second value)"),
    (11, "empty-field", "Found via is empty"),
    (13, "empty-field", "Date added is empty"),
]


def codes(findings: list[Finding]) -> list[tuple[int, str]]:
    return [(finding.line, finding.code) for finding in findings]


def lint(text: str, catalogue: Catalogue, known: dict[str, Incident], **kwargs: object) -> list[Finding]:
    return lint_page(text, catalogue=catalogue, incident_data=known, **kwargs)


def test_defective_copy_has_every_defect_found(
    seed_copy: Path, catalogue: Catalogue, known: dict[str, Incident]
) -> None:
    findings = lint(seed_copy.read_text(encoding="utf-8"), catalogue, known)
    assert [(f.line, f.code, f.message) for f in findings if f.code == "empty-field"] == EMPTY_METADATA
    borrowed = [f for f in findings if f.code == "borrowed-evidence"]
    assert [f.line for f in borrowed] == [24, 25, 26]  # T0097.111, T0129.006, T0143.001
    assert all("incident I00075 (its T0137)" in f.message for f in borrowed)
    assert [f.line for f in findings if f.code == "technique-not-cited"] == [24, 25, 26]
    repeated = [f for f in findings if f.code == "repeated-evidence"]
    assert len(repeated) == 1 and "T0097.111, T0129.006, T0143.001" in repeated[0].message
    assert {f.code for f in findings} == {
        "empty-field",
        "borrowed-evidence",
        "technique-not-cited",
        "repeated-evidence",
    }


def test_disarm_own_page_is_flagged_only_for_its_empty_metadata(
    golden_dir: Path, catalogue: Catalogue, known: dict[str, Incident]
) -> None:
    findings = lint((golden_dir / "I00093.md").read_text(encoding="utf-8"), catalogue, known)
    assert [(f.line, f.code, f.message) for f in findings] == EMPTY_METADATA


def test_copy_is_caught_without_the_incident_own_record(
    seed_copy: Path, catalogue: Catalogue, known: dict[str, Incident]
) -> None:
    """A page whose id DISARM does not know: the other incidents alone show the evidence is I00075's."""
    text = seed_copy.read_text(encoding="utf-8").replace("# Incident I00093:", "# Incident UM-9:")
    assert [f.line for f in lint(text, catalogue, known) if f.code == "borrowed-evidence"] == [24, 25, 26]


def test_evidence_found_in_the_incident_own_material_is_not_borrowed(
    seed_copy: Path, catalogue: Catalogue, known: dict[str, Incident]
) -> None:
    madagascar = next(t.description for t in known["I00075"].techniques if t.technique_id == "T0137")
    own = KnownEvidence(texts=(madagascar,))
    findings = lint(seed_copy.read_text(encoding="utf-8"), catalogue, known, known_evidence=own)
    assert not [f for f in findings if f.code == "borrowed-evidence"]


def test_complete_page_has_no_findings(
    complete_incident: Incident, catalogue: Catalogue, known: dict[str, Incident], posts: KnownEvidence
) -> None:
    assert lint(render(complete_incident), catalogue, known, known_evidence=posts) == []


def test_one_pasted_passage_is_caught_in_a_complete_page(
    complete_incident: Incident, catalogue: Catalogue, known: dict[str, Incident], posts: KnownEvidence
) -> None:
    elsewhere = known["I00088"].techniques[0]
    complete_incident.techniques[1].description += f"<br><br>{elsewhere.description} (T0097.111)"
    findings = lint(render(complete_incident), catalogue, known, known_evidence=posts)
    assert codes(findings) == [(27, "borrowed-evidence")]
    assert "incident I00088" in findings[0].message


def test_empty_and_malformed_fields(
    complete_incident: Incident, catalogue: Catalogue, known: dict[str, Incident]
) -> None:
    complete_incident.summary = "<i></i>"
    complete_incident.attributed_to = ""
    complete_incident.year_started = "2017.0"
    complete_incident.date_added = "2023-02-30"
    complete_incident.references[0].publication_date = "23 Oct 2023"
    complete_incident.references[0].archive_url = ""
    findings = lint(render(complete_incident), catalogue, known)
    assert [(f.line, f.code) for f in findings] == [
        (3, "empty-field"),
        (7, "bad-date"),
        (9, "empty-field"),
        (13, "bad-date"),
        (20, "bad-date"),
        (20, "no-archive"),
    ]
    assert "no attribution (first value)" in findings[2].message
    assert "'2017.0'" in findings[1].message


@pytest.mark.parametrize("published", ["2023", "2023/10", "2023-10-23", "2023/10/23"])
def test_publication_dates_in_disarm_forms_pass(
    published: str, complete_incident: Incident, catalogue: Catalogue, known: dict[str, Incident]
) -> None:
    complete_incident.references[0].publication_date = published
    assert lint(render(complete_incident), catalogue, known) == []


def test_missing_field_line_is_reported(complete_incident: Incident, catalogue: Catalogue) -> None:
    text = render(complete_incident).replace("* **Found via:** unmask co-post signal\n\n", "")
    assert [(f.line, f.code, f.message) for f in lint_page(text, catalogue=catalogue)] == [
        (1, "empty-field", "Found via is missing from the page")
    ]


def test_unknown_techniques(complete_incident: Incident, catalogue: Catalogue) -> None:
    complete_incident.techniques = [
        IncidentTechnique("T00145.006", "x (T00145.006)"),
        IncidentTechnique("\xa0T0097.108", "y (T0097.108)"),
    ]
    findings = lint_page(render(complete_incident), catalogue=catalogue)
    assert codes(findings) == [(26, "unknown-technique"), (27, "unknown-technique")]
    assert "T00145.006" in findings[0].message and "v1.6" in findings[0].message
    assert "stray whitespace" in findings[1].message


def test_same_passage_for_techniques_it_does_not_name(
    complete_incident: Incident, catalogue: Catalogue
) -> None:
    passage = "Accounts swarmed the MPs' posts within minutes of each other."
    complete_incident.techniques = [
        IncidentTechnique("T0049.005", passage),
        IncidentTechnique("T0097.111", passage),
        IncidentTechnique("T0143.001", "Real officials repeated it (T0143.001: Authentic Persona)."),
    ]
    findings = lint_page(render(complete_incident), catalogue=catalogue)
    assert codes(findings) == [(26, "repeated-evidence")]
    assert "names none of them" in findings[0].message and "lines 26, 27" in findings[0].message


def test_evidence_must_come_from_the_incident_data(
    complete_incident: Incident, catalogue: Catalogue, posts: KnownEvidence
) -> None:
    complete_incident.techniques[0].evidence.append("1600000000000000099")
    complete_incident.techniques[1].evidence = []
    complete_incident.techniques[1].description = "An account said it was an official (T0097.111)."
    findings = lint_page(render(complete_incident), catalogue=catalogue, known_evidence=posts)
    assert codes(findings) == [(26, "unsupported-evidence"), (27, "unsupported-evidence")]
    assert "1600000000000000099" in findings[0].message
    assert "cites no post" in findings[1].message


def test_inferred_techniques_await_review(complete_incident: Incident, catalogue: Catalogue) -> None:
    complete_incident.techniques[0].status = TechniqueStatus.INFERRED
    assert codes(lint_page(render(complete_incident), catalogue=catalogue)) == [(26, "unreviewed-technique")]


def test_not_a_page(catalogue: Catalogue) -> None:
    assert codes(lint_page("hello\n", catalogue=catalogue)) == [(1, "not-an-incident-page")]


def test_lint_file_and_format(
    seed_copy: Path, catalogue: Catalogue, known: dict[str, Incident], tmp_path: Path
) -> None:
    findings = lint_file(seed_copy, catalogue, incident_data=known)
    lines = format_findings(seed_copy, findings).splitlines()
    assert len(lines) == len(findings)
    assert lines[0] == f"{seed_copy}:5: empty-field Incident type is empty"
    assert f"{seed_copy}:24: borrowed-evidence the description of T0097.111 is text from incident I00075" in (
        "\n".join(lines)
    )
    hostile = Finding(3, "bad-date", "x\x1b[2Jy")
    assert format_findings("p.md", [hostile]) == "p.md:3: bad-date x\\x1b[2Jy\n"


def test_lint_file_finds_disarm_data_itself(
    seed_copy: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, csv_dir: Path
) -> None:
    monkeypatch.setenv("UNMASK_DISARM_CSV", str(csv_dir))
    assert "borrowed-evidence" in {f.code for f in lint_file(seed_copy, catalogue)}


def test_lint_file_without_disarm_data_warns(
    seed_copy: Path, catalogue: Catalogue, no_configured_sources: Path
) -> None:
    with pytest.warns(UserWarning, match="UNMASK_DISARM_CSV"):
        findings = lint_file(seed_copy, catalogue)
    assert "borrowed-evidence" not in {f.code for f in findings}
    assert "technique-not-cited" in {f.code for f in findings}  # still caught from the page alone


@given(st.text(max_size=200))
@settings(deadline=None)
def test_property_lint_never_crashes(text: str) -> None:
    page = "# Incident I1: x\n* **Year started:** " + text
    findings = lint_page(page, catalogue=Catalogue({}, (), "empty", "test"), incident_data={})
    assert all(finding.line >= 1 for finding in findings)


def test_linting_follows_the_incident_data_it_is_given(
    seed_copy: Path, catalogue: Catalogue, known: dict[str, Incident]
) -> None:
    """The index of DISARM's evidence is kept between pages, but never for other incidents than given."""
    text = seed_copy.read_text(encoding="utf-8")

    def borrowed(incidents: dict[str, Incident]) -> list[int]:
        return [f.line for f in lint(text, catalogue, incidents) if f.code == "borrowed-evidence"]

    without_madagascar = {key: value for key, value in known.items() if key != "I00075"}
    assert borrowed(known) == [24, 25, 26]
    assert borrowed(without_madagascar) == []
    assert borrowed(known) == [24, 25, 26]
