"""The scenario's story holds: determinism, targets, the Labour Day burst, hijacked accounts, difficulty."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from unmask.errors import InputError
from unmask.synth import generate
from unmask.synth.config import HISTORY_START, WINDOW_START, Plan

CAMPAIGN_LANGS = {"en", "fr", "zh"}


def _rows(out: Path) -> tuple[list[dict[str, str]], dict[str, bool]]:
    with (out / "truth.csv").open(newline="", encoding="utf-8") as fh:
        truth = {r["account_id"]: r["label"] == "campaign" for r in csv.DictReader(fh)}
    with (out / "io_archive.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh)), truth


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", posts=4_000, seed=11)
    second = generate(tmp_path / "b", posts=4_000, seed=11)
    other = generate(tmp_path / "c", posts=4_000, seed=12)
    for name, path in first.files.items():
        assert path.read_bytes() == second.files[name].read_bytes(), name
        assert path.read_bytes() != other.files[name].read_bytes(), name


def test_progress_reports_posts_written(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    summary = generate(tmp_path, posts=3_000, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (summary.posts, 3_000)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


@pytest.mark.parametrize(("posts", "difficulty"), [(999, "normal"), (5_000, "medium")])
def test_bad_arguments_raise_typed_errors(tmp_path: Path, posts: int, difficulty: str) -> None:
    with pytest.raises(InputError):
        generate(tmp_path, posts=posts, difficulty=difficulty)


def test_campaign_replies_flood_dozens_of_politicians(normal) -> None:
    out, summary = normal
    rows, truth = _rows(out)
    hits = Counter(r["in_reply_to_userid"] for r in rows if truth[r["userid"]] and r["in_reply_to_userid"])
    targets = {uid for uid, n in hits.items() if n >= 2}
    assert len(targets) >= 40
    assert summary.targeted_politicians >= 40
    # the targets are busy accounts that ordinary users reply to as well (politicians, not campaign peers)
    organic_replies = Counter(
        r["in_reply_to_userid"] for r in rows if not truth[r["userid"]] and r["in_reply_to_userid"]
    )
    assert all(organic_replies[t] > 0 and not truth.get(t, False) for t in targets)


def test_campaign_bursts_over_the_labour_day_weekend(normal) -> None:
    out, _ = normal
    rows, truth = _rows(out)
    per_day = Counter(
        r["tweet_time"][:10] for r in rows if truth[r["userid"]] and r["tweet_time"] >= "2023-08"
    )
    burst = [per_day[f"2023-09-0{d}"] for d in range(1, 5)]
    others = sorted(n for day, n in per_day.items() if not "2023-09-01" <= day <= "2023-09-04")
    assert min(burst) > 2.5 * others[len(others) // 2]
    assert sum(burst) > 0.15 * sum(per_day.values())


def test_hijacked_accounts_had_an_earlier_foreign_life_then_went_quiet(normal) -> None:
    out, _ = normal
    rows, truth = _rows(out)
    by_account: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_account[row["userid"]].append(row)
    old = [a for a, posts in by_account.items() if truth[a] and posts[0]["account_creation_date"] < "2020"]
    assert len(old) >= 10
    window = datetime.fromtimestamp(WINDOW_START, UTC).strftime("%Y-%m-%d")
    for account in old:
        posts = by_account[account]
        before = [p for p in posts if p["tweet_time"] < window]
        during = [p for p in posts if p["tweet_time"] >= window]
        assert before and during
        assert {p["tweet_language"] for p in before}.isdisjoint(CAMPAIGN_LANGS)
        assert {p["tweet_language"] for p in during} <= CAMPAIGN_LANGS
        last = datetime.strptime(max(p["tweet_time"] for p in before), "%Y-%m-%d %H:%M")
        first = datetime.strptime(min(p["tweet_time"] for p in during), "%Y-%m-%d %H:%M")
        assert (first - last).days >= 90
        assert datetime.fromtimestamp(HISTORY_START, UTC).strftime("%Y") <= before[0]["tweet_time"][:4]


def test_new_campaign_accounts_come_in_creation_batches(normal) -> None:
    out, _ = normal
    rows, truth = _rows(out)
    created = {r["userid"]: r["account_creation_date"] for r in rows}
    young = sorted(d for a, d in created.items() if truth[a] and d >= "2023")
    spread = Counter(d[:7] for d in young)
    assert len(young) >= 15 and len(spread) <= 4  # a few batches, not a steady trickle
    organic_young = [d for a, d in created.items() if not truth[a] and "2023-06" <= d < "2023-09"]
    assert len(organic_young) > 3 * len(young)  # and organic sign-ups of the same months outnumber them


def test_difficulty_changes_the_campaign_share(make_scenario) -> None:
    shares = {}
    for difficulty in ("easy", "normal", "hard"):
        _, summary = make_scenario(difficulty=difficulty)
        shares[difficulty] = summary.campaign_accounts / summary.accounts
    assert shares["easy"] > shares["normal"] > shares["hard"] > 0.01


def test_plan_scales_accounts_with_posts() -> None:
    small, large = Plan.build(20_000, 1, "normal"), Plan.build(200_000, 1, "normal")
    assert 10 <= small.posts / small.n_accounts <= 20 and 10 <= large.posts / large.n_accounts <= 20
    assert large.n_campaign > 5 * small.n_campaign
