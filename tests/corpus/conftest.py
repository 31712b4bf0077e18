"""Fixtures: the hostile campaign (see corpus_store.py) built once per session, copied per module.

The web tests' harness (tests/web/web_support.py: users, logged-in clients; test_browser.py: Chromium
and its guards) is reused, so tests/web goes on the import path.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus_store import HostileCampaign, build_hostile_campaign

from unmask.documents.catalogue import Catalogue, load_catalogue
from unmask.store import Store, open_store
from unmask.web.auth import Passwords, insert_user

TESTS = Path(__file__).resolve().parents[1]
DISARM_BUNDLE = TESTS.parents[1] / "shared/disarm/upstream_original"
sys.path.insert(0, str(TESTS / "web"))

from web_support import CHEAP_HASH, PASSWORD, USERS  # noqa: E402


@pytest.fixture(scope="session")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> HostileCampaign:
    """The hostile campaign, detected, with one web user per role."""
    built = build_hostile_campaign(tmp_path_factory.mktemp("hostile"))
    passwords = Passwords(CHEAP_HASH["hash_time_cost"], CHEAP_HASH["hash_memory_kib"])
    with open_store(built.path) as store:
        for name, role in USERS.items():
            insert_user(store.con, name, role, passwords.hash(PASSWORD))
    return built


@pytest.fixture(scope="module")
def hostile_campaign(
    hostile_template: HostileCampaign, tmp_path_factory: pytest.TempPathFactory
) -> HostileCampaign:
    """A copy per module: the web app writes sessions into its store."""
    return hostile_template.copy_to(tmp_path_factory.mktemp("copy"))


@pytest.fixture(scope="module")
def shared_planted(hostile_campaign: HostileCampaign) -> HostileCampaign:
    """What the reused web fixtures (test_browser.server) serve: the hostile campaign's store."""
    return hostile_campaign


@pytest.fixture(scope="module")
def hostile_store(hostile_campaign: HostileCampaign) -> Iterator[Store]:
    with open_store(hostile_campaign.path) as store:
        yield store


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    bundle = DISARM_BUNDLE / "DISARM_STIX_bundle_v1.6.json"
    if not bundle.is_file():
        pytest.skip(f"DISARM STIX bundle not found at {bundle} (the shared folder beside the project)")
    return load_catalogue(bundle)
