"""DISARM incident pages: golden renders from DISARM's CSVs, import of DISARM's pages, notes kept on
re-render, and hostile text made inert."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unmask.documents.catalogue import Catalogue
from unmask.documents.disarm_page import WARN_LINE, parse_page, render
from unmask.documents.incident import Incident, IncidentTechnique, Reference, TechniqueStatus
from unmask.errors import InputError

GOLDEN_FROM_CSV = ["I00093", "I00075"]
GOLDEN_ALL = ["I00064", "I00075", "I00088", "I00093", "I00096"]


def golden(golden_dir: Path, incident_id: str) -> str:
    return (golden_dir / f"{incident_id}.md").read_bytes().decode("utf-8")


@pytest.mark.parametrize("incident_id", GOLDEN_FROM_CSV)
def test_render_from_disarm_csvs_is_byte_identical(
    known: dict[str, Incident], golden_dir: Path, incident_id: str
) -> None:
    assert render(known[incident_id]).encode("utf-8") == (golden_dir / f"{incident_id}.md").read_bytes()


def test_render_prints_years_as_data_says_not_as_upstream_floats(
    known: dict[str, Incident], golden_dir: Path
) -> None:
    """DISARM's generator printed I00064's year as 2017.0 (a pandas float); unmask prints the year."""
    page = golden(golden_dir, "I00064")
    assert "* **Year started:** 2017.0\n" in page
    assert render(known["I00064"]) == page.replace("2017.0", "2017")


def test_render_keeps_technique_ids_that_upstream_dropped(
    known: dict[str, Incident], golden_dir: Path
) -> None:
    """I00096 links T0087.001 after ', ' in DISARM's data; the upstream page lost that link."""
    assert "(../../generated_pages/techniques/T0087.001.md)" not in golden(golden_dir, "I00096")
    assert "[T0087.001 Develop AI-Generated Videos (Deepfakes)]" in render(known["I00096"])


@pytest.mark.parametrize("incident_id", ["I00064", "I00075", "I00088", "I00093"])
def test_import_then_render_gives_the_golden_page_back(golden_dir: Path, incident_id: str) -> None:
    page = golden(golden_dir, incident_id)
    assert render(parse_page(page).incident) == page


def test_import_joins_a_table_row_broken_over_lines(golden_dir: Path) -> None:
    """I00096's authors cell starts with a newline, which ends the row in Markdown; re-render repairs it."""
    page = golden(golden_dir, "I00096")
    reference = parse_page(page).incident.references[0]
    assert (reference.authors, reference.organisation) == ("\nAlex Scroxton", "ComputerWeekly")
    assert render(parse_page(page).incident) == page.replace("| \nAlex Scroxton |", "| <br>Alex Scroxton |")


def test_import_matches_disarm_data(golden_dir: Path, known: dict[str, Incident]) -> None:
    for incident_id in GOLDEN_FROM_CSV:
        assert parse_page(golden(golden_dir, incident_id)).incident == known[incident_id]


def test_import_of_the_defective_copy(seed_copy: Path, known: dict[str, Incident]) -> None:
    page = parse_page(seed_copy.read_text(encoding="utf-8"))
    copied = page.incident
    madagascar = next(t for t in known["I00075"].techniques if t.technique_id == "T0137")
    assert copied.id == "I00093" and copied.summary == known["I00093"].summary
    assert [t.technique_id for t in copied.techniques] == ["T0097.111", "T0129.006", "T0143.001"]
    assert {t.description.replace("<I>", "<i>") for t in copied.techniques} == {
        madagascar.description.replace("<I>", "<i>")
    }
    assert page.technique_lines == [24, 25, 26]
    assert page.field_lines == {
        "summary": 3,
        "incident_type": 5,
        "year_started": 7,
        "countries": 9,
        "found_via": 11,
        "date_added": 13,
    }
    assert page.reference_lines == [18]


def test_notes_below_the_line_survive_a_rerender(known: dict[str, Incident], golden_dir: Path) -> None:
    notes = "\n\n## Analyst notes\n\nSeen again in 2024 | see ticket #12.\n"
    old_page = golden(golden_dir, "I00093") + notes
    updated = known["I00093"]
    updated.year_started = "2023"
    page = render(updated, existing_page=old_page)
    assert page.endswith(WARN_LINE + notes)
    assert "* **Year started:** 2023\n" in page
    assert parse_page(page).incident.notes_below_line == notes


def test_rerender_of_a_page_without_the_line_keeps_all_of_it_below(complete_incident: Incident) -> None:
    hand_written = "# My own notes\n\nnothing generated here\n"
    page = render(complete_incident, existing_page=hand_written)
    assert page.endswith(WARN_LINE + hand_written)


def test_unmask_additions_round_trip(complete_incident: Incident) -> None:
    complete_incident.techniques[1].status = TechniqueStatus.INFERRED
    complete_incident.techniques.append(
        IncidentTechnique("T0143.001", "refused by the analyst", status="rejected")
    )
    page = render(complete_incident)
    assert "* **DISARM version:** DISARM Red Framework v1.6 (STIX bundle)\n" in page
    assert "refused by the analyst" not in page
    parsed = parse_page(page).incident
    complete_incident.techniques.pop()
    assert parsed == complete_incident


def test_catalogue_names_techniques_without_a_name(catalogue: Catalogue) -> None:
    incident = Incident("UM-1", "x", techniques=[IncidentTechnique("T0129.006", "denied (T0129.006)")])
    assert "| [T0129.006 Deny Involvement](../../generated_pages/techniques/T0129.006.md) |" in render(
        incident, catalogue=catalogue
    )
    assert "| [T0129.006](../../generated_pages/techniques/T0129.006.md) |" in render(incident)


def test_hostile_text_is_inert() -> None:
    post = (
        "Hi <script>alert(1)</script> | fake | cell |\n* **Date added:** 1999-01-01 [x](javascript:alert(1))"
    )
    incident = Incident(
        id="UM-2",
        name=post,
        summary=post,
        references=[Reference(url="javascript:alert(1)", authors=post, archive_url="https://a.example/(x)")],
        techniques=[
            IncidentTechnique("T0049.005", f"<i>{post}</i>", evidence=["1 | x", "<img src=x>", "a,b"])
        ],
    )
    page = render(incident)
    head = page.split(WARN_LINE)[0]
    assert "<script>" not in head and "<img" not in head
    assert "](javascript" not in head
    assert len(re.findall(r"^\* \*\*Date added", head, re.MULTILINE)) == 1
    rows = [line for line in head.splitlines() if line.startswith("|")]
    assert len(rows) == 6  # two headers, two rules, one reference, one technique: nothing injected
    assert all(len(re.split(r"(?<!\\) \| ", row)) == 5 for row in rows[:3])
    assert "(https://a.example/%28x%29)" in head
    parsed = parse_page(page).incident
    assert parsed.techniques[0].evidence == ["1 | x", "<img src=x>", "a,b"]
    assert parsed.references[0].url == "javascript:alert(1)"


def test_hand_edited_evidence_that_is_no_character_code_is_kept() -> None:
    page = render(Incident("UM-4", "x", techniques=[IncidentTechnique("T0049", "d", evidence=["a"])]))
    page = page.replace("<b>Evidence:</b> a", "<b>Evidence:</b> &#99999999;, &#1114112;, &#65;")
    assert parse_page(page).incident.techniques[0].evidence == ["&#99999999;", "&#1114112;", "A"]


def test_quoted_text_cannot_pose_as_evidence_or_review_marks() -> None:
    forged = "<b>Inferred by unmask, not reviewed:</b> x<br><br><b>Evidence:</b> 999"
    incident = Incident("UM-3", "x", techniques=[IncidentTechnique("T0049", forged)])
    parsed = parse_page(render(incident)).incident.techniques[0]
    assert (parsed.status, parsed.evidence) == (TechniqueStatus.ACCEPTED, [])


@pytest.mark.parametrize("bad_id", ["", "two words", "I:1"])
def test_render_refuses_an_id_the_title_cannot_hold(bad_id: str) -> None:
    with pytest.raises(InputError):
        render(Incident(bad_id, "x"))


@pytest.mark.parametrize("text", ["", "hello", "# Technique T0001: not an incident\n"])
def test_import_refuses_what_is_not_an_incident_page(text: str) -> None:
    with pytest.raises(InputError):
        parse_page(text)


# Property tests. "Plain" text avoids the characters the renderer must escape, so it round-trips exactly;
# any text at all must reach a fixed point after one import.
plain = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="<>[]()|\\*`%&,"),
    max_size=30,
)
technique_ids = st.from_regex(r"T\d{4}(\.\d{3})?", fullmatch=True)
urls = st.builds(lambda path: f"https://example.org/{path}", plain.map(lambda s: "".join(s.split())))


def incidents(text: st.SearchStrategy[str]) -> st.SearchStrategy[Incident]:
    return st.builds(
        Incident,
        id=st.from_regex(r"[A-Z]{1,3}[0-9]{1,5}", fullmatch=True),
        name=text,
        summary=text,
        incident_type=text,
        year_started=text,
        attributed_to=text,
        countries=text,
        found_via=text,
        date_added=text,
        references=st.lists(
            st.builds(
                Reference,
                url=urls,
                publication_date=text,
                authors=text,
                organisation=text,
                archive_url=st.one_of(st.just(""), urls),
            ),
            max_size=3,
        ),
        techniques=st.lists(
            st.builds(
                IncidentTechnique,
                technique_id=technique_ids,
                description=text,
                name=text,
                evidence=st.lists(st.text(st.characters(codec="utf-8"), max_size=12), max_size=3),
                status=st.sampled_from([TechniqueStatus.ACCEPTED, TechniqueStatus.INFERRED]),
            ),
            max_size=3,
        ),
        notes_below_line=st.text(max_size=30),
        catalogue_version=text,
    )


@given(incidents(plain))
@settings(deadline=None)
def test_property_plain_incidents_round_trip(incident: Incident) -> None:
    incident.techniques.sort(key=lambda technique: technique.technique_id)
    if "," in incident.attributed_to:
        incident.attributed_to = incident.attributed_to.replace(",", "")
    assert parse_page(render(incident)).incident == incident


@given(incidents(st.text(st.characters(codec="utf-8"), max_size=30)))
@settings(max_examples=200, deadline=None)
def test_property_any_text_reaches_a_fixed_point(incident: Incident) -> None:
    page = render(incident)
    assert render(parse_page(page).incident) == page


@given(st.text(max_size=300))
def test_property_import_never_crashes(text: str) -> None:
    try:
        parse_page("# Incident I1: x\n" + text)
    except InputError:
        pytest.fail("a page with a title must import")
    with pytest.raises(InputError):
        parse_page("x" + text)
