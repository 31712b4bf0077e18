"""The planted campaign scenario with hostile text in it, detected once per session, for the exports.

tests/campaigns/conftest.py's planted scenario (30 template-posting accounts in one creation batch,
replying to 20 targets among 300 organic accounts) plus: target accounts with handles, one of them
hostile; two campaign accounts whose handle, display name, profile link and posts carry markup,
formula and control-character payloads; one reply with a threat. Only raw `text` is changed, not the
folded `text_norm` the signals read. The run's date and the signals are pinned, so documents (and
golden files) do not change from day to day.

Golden files: tests compare renderers' output with files in golden/; after a deliberate change of a
renderer, regenerate them with `UNMASK_UPDATE_GOLDEN=1 pytest tests/documents_exports` and review the diff.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from unmask.campaigns.detect import DetectConfig, detect
from unmask.documents.catalogue import Catalogue, load_catalogue
from unmask.store import Store, open_store

GOLDEN = Path(__file__).with_name("golden")
UPDATE_GOLDEN = os.environ.get("UNMASK_UPDATE_GOLDEN") == "1"
RUN_AT = datetime(2023, 9, 21, 12, 0)
# Signals pinned, so that adding a signal to unmask does not change these documents (cross_lingual,
# which loads an embedding model, is covered with hand-made data in test_techniques.py).
CONFIG = DetectConfig(
    signals=("co_post", "near_duplicate", "co_reply", "co_link", "co_hashtag", "co_repost", "co_media"),
    features=("creation_batch", "hijacked", "thin_profile", "rhythm"),
)
SHARED_BUNDLE = Path(__file__).resolve().parents[2].parent / "shared/disarm/upstream_original"


@dataclass(frozen=True)
class Hostile:
    """The payloads planted in the scenario."""

    script: str = "<script>alert(1)</script>"
    img: str = "<img src=x onerror=alert(1)>"
    formula: str = '=HYPERLINK("http://evil")'
    threat: str = "we know where you live"
    control: str = "\x07"


HOSTILE = Hostile()


def _load_build_planted():
    """tests/campaigns/conftest.py's scenario (test folders are not packages, so load it by path)."""
    path = Path(__file__).resolve().parents[1] / "campaigns" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_campaigns_planted_exports", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_planted


build_planted = _load_build_planted()


@dataclass(frozen=True)
class Planted:
    store: Store
    campaign_id: str  # the campaign holding the hostile accounts
    hostile_acct: str
    hostile_target: str  # platform:account_id of the target with a hostile handle
    run_at: datetime = RUN_AT


def add_hostile_text(store: Store) -> None:
    con = store.con
    con.execute(
        "INSERT INTO accounts (platform, account_id, handle, display_name) "
        "SELECT 'x', 'mp' || i, 'mp_name' || i, 'Member of Parliament ' || i FROM range(20) t(i)"
    )
    con.execute("UPDATE accounts SET handle = ? WHERE account_id = 'mp4'", [HOSTILE.img])
    con.execute(
        "UPDATE accounts SET handle = ?, display_name = ?, profile_url = 'javascript:alert(1)' "
        "WHERE account_id = 'c0'",
        [HOSTILE.script, HOSTILE.formula + HOSTILE.control],
    )
    con.execute(
        "UPDATE accounts SET handle = ?, display_name = ? WHERE account_id = 'c1'",
        [HOSTILE.formula, HOSTILE.img],
    )
    con.execute(
        "UPDATE posts SET text = ? || ' ' || text || ' ' || ? || ' ' || ? WHERE account_id IN ('c0', 'c1')",
        [HOSTILE.formula, HOSTILE.script, HOSTILE.img],
    )
    first = con.execute("SELECT min(post_id::INT)::VARCHAR FROM posts WHERE account_id = 'c0'").fetchone()[0]
    con.execute("UPDATE posts SET text = text || ' ' || ? WHERE post_id = ?", [HOSTILE.threat, first])


@pytest.fixture(scope="session")
def planted_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("planted") / "planted.duckdb"
    with open_store(path) as store:
        build_planted(store)
        add_hostile_text(store)
        detect(store, CONFIG)
        store.con.execute("UPDATE detect_runs SET started_at = ?, finished_at = ?", [RUN_AT, RUN_AT])
    return path


def _open_copy(template: Path, directory: Path) -> Iterator[Planted]:
    path = directory / "planted.duckdb"
    shutil.copy(template, path)
    with open_store(path) as store:
        campaign = store.con.execute(
            "SELECT campaign_id FROM campaign_accounts WHERE account_id = 'c0'"
        ).fetchone()
        assert campaign, "the hostile account is in no campaign: the planted scenario changed"
        yield Planted(store, campaign[0], "x:c0", "x:mp4")


@pytest.fixture(scope="module")
def planted(planted_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planted]:
    """A copy of the detected store per test module, for tests that only read it."""
    yield from _open_copy(planted_template, tmp_path_factory.mktemp("store"))


@pytest.fixture
def fresh_planted(planted_template: Path, tmp_path: Path) -> Iterator[Planted]:
    """A copy of the detected store for one test that changes it."""
    yield from _open_copy(planted_template, tmp_path)


@pytest.fixture(scope="session")
def hostile() -> Hostile:
    return HOSTILE


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    bundle = SHARED_BUNDLE / "DISARM_STIX_bundle_v1.6.json"
    if not bundle.is_file():
        pytest.skip(f"DISARM STIX bundle not found at {bundle} (the shared folder beside the project)")
    return load_catalogue(bundle)


@pytest.fixture
def golden():
    """Compare text with golden/<name>; rewrite it instead when UNMASK_UPDATE_GOLDEN=1."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if UPDATE_GOLDEN:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            return
        assert path.is_file(), f"no golden file {path}: run with UNMASK_UPDATE_GOLDEN=1 to create it"
        with path.open(encoding="utf-8", newline="") as stored:
            expected = stored.read()
        assert text == expected, (
            f"{name} differs from its golden file; if the change is intended, regenerate with "
            "UNMASK_UPDATE_GOLDEN=1 and review the diff"
        )

    return check
