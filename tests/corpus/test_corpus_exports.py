"""The hostile campaign through every export format and report: each stays valid for its readers, holds
the payloads as data, and carries nothing that runs, fetches or computes when opened.

CSV cells never start a formula (= + - @ tab CR get a leading apostrophe, and a CR inside a cell is
quoted, so it cannot start a row); STIX passes stix2-validator; MISP loads in pymisp; GEXF and GraphML
parse in networkx; JSON parses strictly; HTML and Markdown hold no active markup and show the payloads
as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cache

import networkx as nx
import pytest
from corpus_inert import active_content, files_of, markdown_active_links, visible_text
from corpus_store import HostileCampaign
from corpus_values import FORMULA_PREFIXES, PAYLOADS
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_string

from unmask.documents.catalogue import Catalogue
from unmask.documents.exports import FORMATS, REPORT_FORMATS, export
from unmask.ingest import parsing  # noqa: F401  (raises the csv module's field limit: texts are 1 MiB)
from unmask.store import Store

MARKUP = [name for name in PAYLOADS if PAYLOADS[name].lstrip().startswith(("<", "</", '"', "'"))]
FORMULAS = [name for name in PAYLOADS if PAYLOADS[name].startswith(FORMULA_PREFIXES)]
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # XML 1.0 Char
_NOT_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # controls HTML cannot hold


@pytest.fixture(scope="module")
def exported(hostile_store: Store, catalogue: Catalogue):
    """Every format of every campaign, exported once (all campaigns; per campaign for per-campaign ones)."""

    @cache
    def get(fmt: str) -> dict[str, bytes]:
        return files_of(export(hostile_store, fmt, catalogue=catalogue).data)

    return get


def test_every_format_and_report_covers_the_hostile_campaigns(
    hostile_store: Store, hostile_campaign: HostileCampaign, catalogue: Catalogue, exported
) -> None:
    assert set(REPORT_FORMATS) <= set(FORMATS)
    for fmt in FORMATS:
        assert all(exported(fmt).values()), fmt
        for campaign_id in hostile_campaign.campaigns:
            one = export(hostile_store, fmt, campaign_id=campaign_id, catalogue=catalogue)
            assert one.data and one.filename.startswith(f"U-{campaign_id}"), fmt


# The profile fields each CSV export lists (accounts.csv: handle, display name, website; takedown: handle).
CSV_PROFILE_FIELDS = {"csv": ("handle", "display_name", "profile_url"), "takedown": ("handle",)}


@pytest.mark.parametrize("fmt", sorted(CSV_PROFILE_FIELDS))
def test_csv_never_starts_a_formula(fmt: str, exported, hostile_campaign: HostileCampaign) -> None:
    cells = []
    for name, content in exported(fmt).items():
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
        assert all(len(row) == len(rows[0]) for row in rows), f"{fmt} {name}: a row was split"
        cells += [cell for row in rows for cell in row]
    starting = [cell[:40] for cell in cells if cell.startswith(FORMULA_PREFIXES)]
    assert not starting, f"{fmt}: cells that start a formula: {starting}"
    listed = {
        profile[field]
        for profile in hostile_campaign.planting.profiles.values()
        for field in CSV_PROFILE_FIELDS[fmt]
    }
    formulas = [PAYLOADS[name] for name in FORMULAS if PAYLOADS[name] in listed]
    assert len(formulas) >= (len(FORMULAS) if fmt == "csv" else 3), f"{fmt}: too few formulas planted"
    kept = [formula for formula in formulas if "'" + formula in cells]
    assert kept == formulas, f"{fmt}: formulas not kept as text behind an apostrophe"


def test_stix_is_valid_and_holds_the_payloads_as_data(exported, hostile_campaign: HostileCampaign) -> None:
    (text,) = (content.decode("utf-8") for content in exported("stix").values())
    results = validate_string(text, ValidationOptions(version="2.1"))
    assert results.is_valid and not results.errors, [str(error) for error in results.errors]
    accounts = {o["user_id"]: o for o in json.loads(text)["objects"] if o["type"] == "user-account"}
    profiles = hostile_campaign.planting.profiles
    members = set(accounts) & set(profiles)
    assert len(members) == len(profiles)
    for account_id in members:
        assert accounts[account_id].get("account_login") == profiles[account_id]["handle"], account_id
        assert accounts[account_id].get("display_name") == profiles[account_id]["display_name"], account_id
    assert "<script" not in text.lower() and "<svg" not in text.lower()  # escaped for viewers showing JSON


def test_misp_loads_in_pymisp_with_the_payloads_as_data(exported, hostile_campaign: HostileCampaign) -> None:
    usernames = set()
    for name, content in exported("misp").items():
        event = MISPEvent()
        event.load(content.decode("utf-8"))
        assert event.info and event.attributes, name
        usernames |= {
            a.value
            for o in event.objects
            if o.name == "user-account"
            for a in o.attributes
            if a.object_relation == "username"
        }
    # As written, less surrounding blanks: MISP (and pymisp loading an event) strips every value.
    assert usernames == {p["handle"].strip() for p in hostile_campaign.planting.profiles.values()}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graphs_parse_with_the_payloads_as_labels(
    fmt: str, exported, hostile_campaign: HostileCampaign
) -> None:
    ((_, content),) = exported(fmt).items()
    graph = (nx.read_gexf if fmt == "gexf" else nx.read_graphml)(io.BytesIO(content))
    handles = {data.get("handle") for _, data in graph.nodes(data=True)}
    # As written, less the characters XML cannot hold (documented in graph_export); GraphML writes
    # CRs as they are, so its readers' XML end-of-line handling turns them into LFs.
    expected = {_NOT_XML.sub("", p["handle"]) for p in hostile_campaign.planting.profiles.values()}
    if fmt == "graphml":
        expected = {re.sub(r"\r\n?", "\n", handle) for handle in expected}
    assert handles == expected, fmt
    assert graph.number_of_edges() > 0


@pytest.mark.parametrize("fmt", ["html", "notices", "disarm"])
def test_pages_hold_no_active_markup_and_show_the_payloads_as_text(fmt: str, exported) -> None:
    shown = ""
    for name, content in exported(fmt).items():
        page = content.decode("utf-8")
        assert not active_content(page), f"{fmt} {name}: {active_content(page)[:5]}"
        if fmt == "disarm":
            assert not markdown_active_links(page), f"{name}: {markdown_active_links(page)}"
        shown += visible_text(page)
    found = [name for name in MARKUP if _NOT_HTML.sub("", PAYLOADS[name]) in shown]
    assert len(found) >= len(MARKUP) // 2, f"{fmt}: payloads shown as text: {found}"
