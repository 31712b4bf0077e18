"""The planted campaign with the hostile corpus in it: built once per session by conftest.py.

The planted scenario (unmask.synth.planted) is read back as records, its campaign accounts and their
posts get the payloads (hostile.plant_hostile), and the whole of it is written as X API pages and
ingested through `ingest_paths`, so the hostile values reach the store the way real data does. The
run's date and the signals are pinned (as in tests/documents_exports), so documents do not drift.
(A module rather than conftest.py so that test modules can import it: test folders are not packages.)
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from corpus_renderers import XApiV2Renderer, x_entities
from hostile import Planting, plant_hostile

from unmask.campaigns.detect import DetectConfig, detect
from unmask.ingest.pipeline import ingest_paths
from unmask.store import Store, open_store
from unmask.synth.planted import build_planted

RUN_AT = datetime(2023, 9, 21, 12, 0)
CONFIG = DetectConfig(
    signals=("co_post", "near_duplicate", "co_reply", "co_link", "co_hashtag", "co_repost", "co_media"),
    features=("creation_batch", "hijacked", "thin_profile", "rhythm"),
)


@dataclass(frozen=True)
class HostileCampaign:
    """The detected store, where the payloads went, and the campaigns holding hostile accounts."""

    path: Path
    planting: Planting
    campaigns: tuple[str, ...]  # every campaign with a hostile member, largest first

    @property
    def campaign_id(self) -> str:
        return self.campaigns[0]

    def copy_to(self, folder: Path) -> HostileCampaign:
        target = folder / "hostile.duckdb"
        shutil.copyfile(self.path, target)
        return HostileCampaign(target, self.planting, self.campaigns)


def _records(store: Store, sql: str) -> list[dict]:
    cursor = store.con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def build_hostile_campaign(folder: Path) -> HostileCampaign:
    with open_store(folder / "planted.duckdb") as planted:
        build_planted(planted)
        accounts = _records(planted, "SELECT * FROM accounts ORDER BY account_id")
        posts = _records(planted, "SELECT * FROM posts ORDER BY post_id::INT")
    planting = plant_hostile(accounts, posts)
    pages = folder / "hostile.jsonl"
    write_x_pages(accounts, posts, pages)
    path = folder / "hostile.duckdb"
    with open_store(path) as store:
        report = ingest_paths(store, [pages], format="x_api_v2")
        assert report.files[0].error is None and not report.rejects, report.files[0]
        detect(store, CONFIG)
        store.con.execute("UPDATE detect_runs SET started_at = ?, finished_at = ?", [RUN_AT, RUN_AT])
        campaigns = store.con.execute(
            "SELECT campaign_id FROM campaign_accounts WHERE account_id IN (SELECT unnest(?)) "
            "GROUP BY 1 ORDER BY count(*) DESC, 1",
            [sorted(planting.profiles)],
        ).fetchall()
    assert campaigns, "no campaign holds a hostile account: the planted scenario changed"
    return HostileCampaign(path, planting, tuple(row[0] for row in campaigns))


def write_x_pages(accounts: list[dict], posts: list[dict], path: Path) -> None:
    """The scenario as twarc2 pages (one post per line, its author and target in includes)."""
    by_id = {a["account_id"]: a for a in accounts}
    with path.open("w", encoding="utf-8") as out:
        for post in posts:
            tweet = {
                "id": post["post_id"],
                "author_id": post["account_id"],
                "created_at": post["created_at"].isoformat() + ".000Z",
                "text": post["text"],
                "lang": post.get("lang") or "en",
                "entities": x_entities(post.get("urls") or [], post.get("hashtags") or [], []),
            }
            if post.get("reply_to_account_id"):
                tweet["in_reply_to_user_id"] = post["reply_to_account_id"]
            users = [_x_user(by_id.get(post["account_id"], {"account_id": post["account_id"]}))]
            if post.get("reply_to_account_id") in by_id:
                users.append(_x_user(by_id[post["reply_to_account_id"]]))
            out.write(json.dumps({"data": [tweet], "includes": {"users": users}}, ensure_ascii=False) + "\n")


def _x_user(account: dict) -> dict[str, object]:
    user: dict[str, object] = {"id": account["account_id"]}
    user |= {member: account[name] for name, member in XApiV2Renderer.ACCOUNT.items() if account.get(name)}
    if account.get("created_at"):
        user["created_at"] = account["created_at"].isoformat() + ".000Z"
    if account.get("followers") is not None:
        user["public_metrics"] = {"followers_count": account["followers"]}
    return user
