"""The hostile campaign through the JSON API: every response is strict JSON, holding the payloads as data.

The hostile strings must come back exactly as stored (the API is for scripts, which escape for their own
output), including the account whose id holds markup, a slash, `?`, `#` and `%`. The app runs under
uvicorn on 127.0.0.1 (test_browser's `server` fixture): Starlette's TestClient decodes a path twice, so
it cannot ask for an id holding `%`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from corpus_store import HostileCampaign
from corpus_values import PAYLOADS, big_text
from hostile import HOSTILE_ID
from test_browser import server  # noqa: F401  (the fixture, serving shared_planted: see conftest.py)
from web_support import CSRF_FIELD, PASSWORD


def _no_constant(name: str) -> object:
    raise ValueError(f"not JSON: {name}")


def strings(value: object) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@pytest.fixture(scope="module")
def viewer(server: str) -> Iterator[httpx.Client]:  # noqa: F811
    """A client logged in as a viewer through the log-in form."""
    with httpx.Client(base_url=server, follow_redirects=False, timeout=60) as client:
        token = CSRF_FIELD.search(client.get("/login").text).group(1)
        form = {"username": "viewer", "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=form).status_code == 303
        yield client


def get_json(client: httpx.Client, path: str) -> object:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), path
    assert response.headers["x-content-type-options"] == "nosniff", path
    return json.loads(response.content.decode("utf-8"), parse_constant=_no_constant)


def account_path(account_id: str) -> str:
    return "/api/accounts/" + quote(f"x:{account_id}", safe=":")


def test_campaigns_list_detail_and_graph(viewer: httpx.Client, hostile_campaign: HostileCampaign) -> None:
    listed = get_json(viewer, "/api/campaigns")
    assert {row["campaign_id"] for row in listed} >= set(hostile_campaign.campaigns)
    targets = {label for row in listed for label in row["top_targets"]}
    assert targets & set(hostile_campaign.planting.target_handles.values()), targets
    handles = {}
    for campaign_id in hostile_campaign.campaigns:
        detail = get_json(viewer, f"/api/campaigns/{campaign_id}")
        handles |= {member["acct"]: member["handle"] for member in detail["members"]}
        graph = get_json(viewer, f"/api/campaigns/{campaign_id}/graph")
        assert graph["edges"] and all(node["id"] in handles for node in graph["nodes"])
    profiles = hostile_campaign.planting.profiles
    assert handles == {f"x:{account_id}": profile["handle"] for account_id, profile in profiles.items()}


def test_every_hostile_account_comes_back_exactly(
    viewer: httpx.Client, hostile_campaign: HostileCampaign
) -> None:
    assert HOSTILE_ID in hostile_campaign.planting.profiles
    for account_id, profile in hostile_campaign.planting.profiles.items():
        detail = get_json(viewer, account_path(account_id))
        assert detail["account_id"] == account_id
        for name, value in profile.items():
            assert detail["profile"][name] == value, (account_id, name)
        assert detail["campaign_id"] in hostile_campaign.campaigns, account_id


def test_the_big_post_and_the_many_hashtags_are_served(
    viewer: httpx.Client, hostile_campaign: HostileCampaign
) -> None:
    planting = hostile_campaign.planting
    found = get_json(viewer, "/api/search?q=" + quote(PAYLOADS["script"][:60]))
    texts = set(strings(found))
    assert any(PAYLOADS["script"] in text for text in texts)
    assert big_text() in texts or planting.big_post in texts, "the 1 MiB post is not found by its text"


@pytest.mark.parametrize("name", ["script", "img_onerror", "attr_breakout", "formula_hyperlink", "bidi"])
def test_search_returns_payloads_as_data(viewer: httpx.Client, name: str) -> None:
    query = PAYLOADS[name].strip()[:50]
    found = get_json(viewer, "/api/search?q=" + quote(query))
    assert any(query in text for text in strings(found)), name


def test_incident_record_is_json(viewer: httpx.Client, hostile_campaign: HostileCampaign) -> None:
    for campaign_id in hostile_campaign.campaigns:
        record = get_json(viewer, f"/api/campaigns/{campaign_id}/incident")
        assert record["incident"]["id"] == f"U-{campaign_id}" and record["revision"]
