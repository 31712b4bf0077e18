"""Network (GEXF, GraphML) and table (CSV, takedown) exports: they open, hold every account, and keep
hostile cells inert."""

from __future__ import annotations

import csv
import io
import zipfile

import networkx as nx
import pytest

from unmask.documents.catalogue import Catalogue
from unmask.documents.csv_safety import FORMULA_PREFIXES
from unmask.documents.exports import export
from unmask.documents.tabular import ACCOUNT_COLUMNS, EVIDENCE_COLUMNS
from unmask.documents.takedown import COLUMNS as TAKEDOWN_COLUMNS


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_networks_open_with_networkx(planted, hostile, catalogue: Catalogue, fmt: str) -> None:
    payload = export(planted.store, fmt, catalogue=catalogue).data
    reader = nx.read_gexf if fmt == "gexf" else nx.read_graphml
    graph = reader(io.BytesIO(payload))
    con = planted.store.con
    members = con.execute(
        "SELECT platform || ':' || account_id, campaign_id FROM campaign_accounts"
    ).fetchall()
    assert graph.number_of_nodes() == len(members)
    campaign_edges = con.execute(
        "SELECT count(DISTINCT (e.a, e.b)) FROM signal_edges e "
        "JOIN campaign_accounts ma ON e.a = ma.platform || ':' || ma.account_id "
        "JOIN campaign_accounts mb ON e.b = mb.platform || ':' || mb.account_id "
        "WHERE ma.campaign_id = mb.campaign_id"
    ).fetchone()[0]
    assert graph.number_of_edges() == campaign_edges
    for acct, campaign_id in members:
        assert graph.nodes[acct]["campaign"] == campaign_id
        assert graph.nodes[acct]["platform"] == "x"
    assert graph.nodes[planted.hostile_acct]["handle"] == hostile.script
    _, _, attributes = next(iter(graph.edges(data=True)))
    assert attributes["weight"] > 0 and attributes["signals"]
    assert b"<script" not in payload and hostile.control.encode() not in payload


def _rows(payload: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(payload.decode("utf-8"))))


def _assert_inert(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), cell


def test_csv_export_zips_accounts_and_evidence(planted, hostile, catalogue: Catalogue) -> None:
    archive = zipfile.ZipFile(io.BytesIO(export(planted.store, "csv", catalogue=catalogue).data))
    assert sorted(archive.namelist()) == ["accounts.csv", "evidence.csv"]
    accounts, evidence = _rows(archive.read("accounts.csv")), _rows(archive.read("evidence.csv"))
    con = planted.store.con
    assert tuple(accounts[0]) == ACCOUNT_COLUMNS and tuple(evidence[0]) == EVIDENCE_COLUMNS
    assert len(accounts) - 1 == con.execute("SELECT count(*) FROM campaign_accounts").fetchone()[0]
    assert (
        len(evidence) - 1
        == con.execute(
            "SELECT count(*) FROM evidence e "
            "JOIN campaign_accounts ma ON e.a = ma.platform || ':' || ma.account_id "
            "JOIN campaign_accounts mb ON e.b = mb.platform || ':' || mb.account_id "
            "WHERE ma.campaign_id = mb.campaign_id"
        ).fetchone()[0]
    )
    _assert_inert(accounts)
    _assert_inert(evidence)
    hostile_row = next(row for row in accounts if row[2] == "c1")
    assert hostile_row[3] == "'" + hostile.formula
    assert any(row[7].startswith("'" + hostile.formula) for row in evidence[1:])


def test_takedown_lists_accounts_by_platform_with_evidence_links(
    planted, catalogue: Catalogue, golden
) -> None:
    payload = export(planted.store, "takedown", catalogue=catalogue).data
    rows = _rows(payload)
    assert tuple(rows[0]) == TAKEDOWN_COLUMNS
    assert len(rows) - 1 == planted.store.con.execute("SELECT count(*) FROM campaign_accounts").fetchone()[0]
    _assert_inert(rows)
    for row in rows[1:]:
        links = row[7].split()
        assert links and all(link.startswith("https://x.com/i/status/") for link in links)
        assert row[3] == f"https://x.com/i/user/{row[1]}"  # the platform page, never the profile website
    golden("takedown.csv", payload.decode("utf-8"))
