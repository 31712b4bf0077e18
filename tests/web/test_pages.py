"""What the pages and the JSON API show: campaign list sorting and filters, a campaign's sections and
downloads, an account's history and edges, search, the graph, exports, and hostile text kept inert."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from markupsafe import escape
from web_support import (
    HOSTILE_HANDLE,
    HOSTILE_IMG,
    HOSTILE_SCRIPT,
    HOSTILE_URL,
    Planted,
    Session,
    make_settings,
)

from unmask.documents.exports import FORMATS
from unmask.store import open_store
from unmask.web import create_app
from unmask.web.routes.accounts import history_chart


@pytest.fixture(scope="module")
def viewer(shared_app: FastAPI) -> Session:
    return Session(shared_app, "viewer")


def _campaigns(planted: Planted) -> dict[str, tuple[float, int, int]]:
    with open_store(planted.path, read_only=True) as store:
        rows = store.con.execute("SELECT campaign_id, score, accounts, posts FROM campaigns").fetchall()
    return {cid: (score, accounts, posts) for cid, score, accounts, posts in rows}


def _escaped(text: str) -> str:
    """How Jinja's autoescape writes `text`."""
    return str(escape(text))


def _assert_inert(page: str) -> None:
    """Hostile strings appear only escaped: as text, never as markup or a javascript: link."""
    for raw in (HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_HANDLE):
        assert raw not in page
    assert "<script>window" not in page and "onerror=" not in page.replace("onerror=&#34;", "")
    assert 'href="javascript:' not in page.lower()


@pytest.mark.parametrize("sort", ["score", "accounts", "posts", "start", "end", "campaign_id"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_campaign_list_sorts(sort: str, order: str, viewer: Session, shared_planted: Planted) -> None:
    rows = viewer.client.get(f"/api/campaigns?sort={sort}&order={order}").json()
    assert {r["campaign_id"] for r in rows} == set(_campaigns(shared_planted))
    keys = [(r[sort], r["campaign_id"]) for r in rows]
    assert keys == sorted(keys, reverse=order == "desc")
    page = viewer.client.get(f"/?sort={sort}&order={order}").text
    assert re.findall(r'class="campaign-link" href="/campaigns/([^"]+)"', page) == [
        r["campaign_id"] for r in rows
    ]


def test_campaign_list_filters(viewer: Session, shared_planted: Planted) -> None:
    stored = _campaigns(shared_planted)
    middle = sorted(accounts for _s, accounts, _p in stored.values())[len(stored) // 2]
    rows = viewer.client.get(f"/api/campaigns?min_accounts={middle}").json()
    assert {r["campaign_id"] for r in rows} == {cid for cid, (_s, a, _p) in stored.items() if a >= middle}
    top = max(score for score, _a, _p in stored.values())
    assert [r["campaign_id"] for r in viewer.client.get(f"/api/campaigns?min_score={top}").json()] == [
        cid for cid, (score, _a, _p) in stored.items() if score >= top
    ]
    assert viewer.client.get("/api/campaigns?platform=x&language=en").json()
    assert viewer.client.get("/api/campaigns?platform=mastodon").json() == []
    assert "No campaign matches" in viewer.client.get("/?platform=mastodon").text


def test_campaign_list_rejects_bad_parameters(viewer: Session) -> None:
    assert viewer.client.get("/api/campaigns?sort=password_hash").status_code == 422
    assert viewer.client.get("/api/campaigns?min_score=7").status_code == 422
    page = viewer.client.get("/?order=sideways")
    assert page.status_code == 422 and "invalid request" in page.text


def test_campaign_list_columns(viewer: Session, shared_planted: Planted) -> None:
    row = next(
        r
        for r in viewer.client.get("/api/campaigns").json()
        if r["campaign_id"] == shared_planted.campaign_id
    )
    assert row["platforms"] == ["x"] and row["languages"] == ["en"]
    assert row["start"] < row["end"]
    assert row["top_targets"][0] == HOSTILE_HANDLE  # planted into the summary
    page = viewer.client.get("/").text
    assert _escaped(HOSTILE_HANDLE) in page
    _assert_inert(page)


def test_campaign_page_sections(viewer: Session, shared_planted: Planted) -> None:
    cid = shared_planted.campaign_id
    detail = viewer.client.get(f"/api/campaigns/{cid}").json()
    page = viewer.client.get(f"/campaigns/{cid}").text
    for section in ("signals", "bursts", "targets", "narratives", "members", "evidence", "examples"):
        assert f'id="{section}"' in page, section
    for signal in {s for m in detail["members"] for s in m["signals"]}:
        assert f'<span class="swatch sig-{signal}"></span>{signal}' in page
    bars = re.findall(r'<rect class="bar ?([a-z-]*)"', page)
    assert len(bars) == len(detail["volume"])
    burst_days = sum(
        1 for b in detail["bursts"] for d in detail["volume"] if b["start"] <= d["day"] <= b["end"]
    )
    assert bars.count("burst") == burst_days > 0
    assert len(re.findall(r'<tr><td><a class="acct"', page[page.index('id="members"') :])) >= len(
        detail["members"]
    )
    for fmt in FORMATS:
        assert f'href="/campaigns/{cid}/exports/{fmt}"' in page
    assert f'data-src="/api/campaigns/{cid}/graph"' in page
    assert '<script src="/static/graph.js" defer></script>' in page


def test_campaign_page_escapes_hostile_text(viewer: Session, shared_planted: Planted) -> None:
    page = viewer.client.get(f"/campaigns/{shared_planted.campaign_id}").text
    assert _escaped(HOSTILE_SCRIPT) in page  # the narrative example
    assert _escaped(HOSTILE_IMG) in page  # an evidence post
    _assert_inert(page)


def test_unknown_campaign_and_account(viewer: Session) -> None:
    assert viewer.client.get("/campaigns/C999").status_code == 404
    assert viewer.client.get("/api/campaigns/C999/graph").status_code == 404
    missing = viewer.client.get("/accounts/x:nobody")
    assert missing.status_code == 404 and "no account" in missing.text
    assert viewer.client.get("/api/accounts/not-a-key").status_code == 400


def test_account_page(viewer: Session, shared_planted: Planted) -> None:
    acct = shared_planted.hostile_acct
    detail = viewer.client.get(f"/api/accounts/{acct}").json()
    assert detail["campaign_id"] == shared_planted.campaign_id
    assert detail["profile"]["handle"] == HOSTILE_HANDLE and detail["profile"]["profile_url"] == HOSTILE_URL
    assert detail["edges"] and all(edge["evidence"] for edge in detail["edges"])
    weeks = [w["week"] for w in detail["history"]]
    assert weeks == sorted(weeks) and sum(w["posts"] for w in detail["history"]) == sum(
        detail["languages"].values()
    )
    page = viewer.client.get(f"/accounts/{acct}").text
    _assert_inert(page)
    assert _escaped(HOSTILE_URL) in page  # shown as text, not as a link
    assert page.count('<details class="edge"') == len(detail["edges"])
    for edge in detail["edges"]:
        assert f'href="/accounts/{edge["other"]}"' in page
    assert len(re.findall(r'<rect class="bar', page)) == len(detail["history"])


def test_hijacked_account_history_is_marked(planted: Planted) -> None:
    """An account silent for months that comes back in another language: the resume week is marked."""
    start = datetime(2022, 1, 3)
    with open_store(planted.path) as store:
        con = store.con
        con.execute("INSERT INTO accounts (platform, account_id, handle) VALUES ('x', 'hj', 'sleeper')")
        times = [start + timedelta(days=7 * i) for i in range(4)] + [
            start + timedelta(days=400 + 7 * i) for i in range(4)
        ]
        for i, when in enumerate(times):
            lang = "fr" if i < 4 else "zh"
            con.execute(
                "INSERT INTO posts (platform, post_id, account_id, created_at, text, lang) "
                "VALUES ('x', ?, 'hj', ?, ?, ?)",
                [f"hj{i}", when, f"post {i}", lang],
            )
        con.execute(
            "INSERT INTO account_features VALUES ('x:hj', 'hijacked', 379, TRUE, ?)",
            ["silent for 379 days; fr before, zh after"],
        )
    session = Session(create_app(make_settings(planted.path)), "viewer")
    detail = session.client.get("/api/accounts/x:hj").json()
    assert detail["hijack_resumed"] == times[4].isoformat()
    assert detail["languages"] == {"fr": 4, "zh": 4}
    chart, legend = history_chart(detail)
    resumed_week = next(i for i, week in enumerate(detail["history"]) if week["week"] == "2023-02-06")
    assert chart.marker_x == chart.bars[resumed_week].x
    assert {bar.css for bar in chart.bars[:resumed_week] if bar.value} == {legend["fr"]}
    assert {bar.css for bar in chart.bars[resumed_week:] if bar.value} == {legend["zh"]}
    page = session.client.get("/accounts/x:hj").text
    assert 'class="marker"' in page and ">before</text>" in page and ">after</text>" in page


def test_search_finds_and_escapes(viewer: Session, shared_planted: Planted) -> None:
    found = viewer.client.get("/api/search?q=PWNED").json()
    texts = {p["text"] for p in found["posts"]}
    assert {HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_HANDLE} <= texts
    assert [a["acct"] for a in found["accounts"]] == [shared_planted.hostile_acct]
    page = viewer.client.get("/search?q=pwned").text
    _assert_inert(page)
    assert _escaped(HOSTILE_SCRIPT) in page


def test_search_wildcards_are_literal(viewer: Session) -> None:
    assert viewer.client.get("/api/search?q=ca_1").json()["accounts"] == []  # "_" is not "any character"
    assert viewer.client.get("/api/search?q=%25%25").json() == {
        "query": "%%",
        "posts": [],
        "accounts": [],
        "limit": 50,
    }
    handles = {a["handle"] for a in viewer.client.get("/api/search?q=cam1").json()["accounts"]}
    assert handles and all("cam1" in h for h in handles)


def test_search_limits(viewer: Session) -> None:
    assert viewer.client.get("/api/search?q=a").status_code == 422
    assert "search for 2 to 200 characters" in viewer.client.get("/search?q=a").text
    assert len(viewer.client.get("/api/search?q=the").json()["posts"]) == 50


def test_graph(viewer: Session, shared_planted: Planted) -> None:
    cid = shared_planted.campaign_id
    graph = viewer.client.get(f"/api/campaigns/{cid}/graph").json()
    detail = viewer.client.get(f"/api/campaigns/{cid}").json()
    assert {n["id"] for n in graph["nodes"]} == {m["acct"] for m in detail["members"]}
    assert not graph["truncated"] and graph["total_accounts"] == len(detail["members"])
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in graph["nodes"])
    ids = {n["id"] for n in graph["nodes"]}
    assert graph["edges"] and all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    assert all(e["signal"] in e["signals"] for e in graph["edges"])
    assert set(graph["signals"]) == {n["signal"] for n in graph["nodes"]}
    assert viewer.client.get(f"/api/campaigns/{cid}/graph").json() == graph  # the layout is deterministic


def test_graph_keeps_the_top_accounts(planted: Planted) -> None:
    session = Session(create_app(make_settings(planted.path, graph_max_nodes=3)), "viewer")
    graph = session.client.get(f"/api/campaigns/{planted.campaign_id}/graph").json()
    members = session.client.get(f"/api/campaigns/{planted.campaign_id}").json()["members"]
    assert graph["truncated"] and len(graph["nodes"]) == 3
    assert [n["id"] for n in graph["nodes"]] == [m["acct"] for m in members[:3]]


def test_api_returns_hostile_text_as_json_data(viewer: Session, shared_planted: Planted) -> None:
    response = viewer.client.get(f"/api/accounts/{shared_planted.hostile_acct}")
    assert response.headers["content-type"] == "application/json"
    assert response.json()["profile"]["display_name"] == HOSTILE_SCRIPT


def test_openapi_describes_the_api(viewer: Session) -> None:
    spec = viewer.client.get("/api/openapi.json").json()
    assert {
        "/api/campaigns",
        "/api/campaigns/{campaign_id}",
        "/api/campaigns/{campaign_id}/graph",
        "/api/accounts/{acct}",
        "/api/search",
        "/api/campaigns/{campaign_id}/incident",
    } <= set(spec["paths"])
    assert set(spec["paths"]["/api/campaigns/{campaign_id}/incident"]) == {"get", "put"}
    assert "X-CSRF-Token" in spec["info"]["description"]
    assert not any(path.startswith(("/admin", "/login")) for path in spec["paths"])


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_campaign_exports(fmt: str, viewer: Session, shared_planted: Planted) -> None:
    response = viewer.client.get(f"/campaigns/{shared_planted.campaign_id}/exports/{fmt}")
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"', disposition)
    assert response.headers["content-type"].split(";")[0] == FORMATS[fmt].media_type.split(";")[0]
    assert response.headers["content-security-policy"]  # an HTML export cannot run in this origin
    assert response.content
    if fmt == "stix":
        bundle = json.loads(response.content)
        assert bundle["type"] == "bundle" and bundle["objects"]


def test_unknown_export_format(viewer: Session, shared_planted: Planted) -> None:
    assert viewer.client.get(f"/campaigns/{shared_planted.campaign_id}/exports/exe").status_code == 422
    assert viewer.client.get("/campaigns/C999/exports/stix").status_code == 404


def test_export_of_every_campaign(viewer: Session) -> None:
    response = viewer.client.get("/exports/takedown")
    assert response.status_code == 200 and b"," in response.content


def test_static_assets_are_served_without_login(shared_app: FastAPI) -> None:
    anonymous = Session(shared_app, None)
    for name in ("app.css", "graph.js", "favicon.svg"):
        response = anonymous.client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.content == (Path(__file__).parents[2] / "src/unmask/web/static" / name).read_bytes()
