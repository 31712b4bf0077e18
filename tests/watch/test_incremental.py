"""Incremental steps against `unmask detect` on the same posts (the differences are listed in
unmask.watch.incremental: this checks that there are none where there should be none). The
mixed-signal comparison runs at the end of tests/watch/test_watch_cli.py, on the watch's own store."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from watch_support import (
    PER_POST_ONLY,
    build_full,
    evidence,
    features,
    rows,
    signal_edges,
    write_io_archive,
)

from unmask.ingest.pipeline import ingest_paths
from unmask.store import Store, open_store
from unmask.watch import incremental
from unmask.watch.incremental import rescore
from unmask.watch.state import pending_sources

Built = Callable[[str, str], Path]


def _campaigns(store: Store) -> set[tuple]:
    """Each campaign as (score, its members with their scores and signals), ids left out."""
    members: dict[tuple[str, float], list[tuple]] = {}
    for cid, score, *member in store.con.execute(
        """SELECT c.campaign_id, c.score, a.platform, a.account_id, a.score, a.signals
           FROM campaigns c JOIN campaign_accounts a USING (campaign_id) ORDER BY a.account_id"""
    ).fetchall():
        members.setdefault((cid, score), []).append(tuple(member))
    return {(score, tuple(accounts)) for (_cid, score), accounts in members.items()}


def _copy(source: Path, tmp_path: Path) -> Store:
    return open_store(shutil.copy(source, tmp_path / source.name))


def _read(source: Path) -> Store:
    return open_store(source, read_only=True)


def _newcomers(tmp_path: Path) -> Path:
    """Two new accounts posting the same two slogans within minutes, after everything else."""
    text = "a brand new slogan that nobody else in this data set has ever posted"
    return write_io_archive(
        tmp_path / "extra.csv",
        [
            (f"n{i}{k}", f"new{i}", f"new{i}", "", 3, "en", f"{text} {k}", f"2023-10-01 0{k}:0{i}", "")
            for i in range(2)
            for k in range(2)
        ],
    )


def test_per_post_signals_give_exactly_the_full_results(built: Built) -> None:
    signals = PER_POST_ONLY.signals
    with _read(built("full", "per_post")) as full, _read(built("stepwise", "per_post")) as watched:
        assert signal_edges(watched, signals) == signal_edges(full, signals)
        assert evidence(watched, signals) == evidence(full, signals)
        assert features(watched) == features(full)
        assert _campaigns(full), "the planted campaign is not found: nothing to compare"
        assert _campaigns(watched) == _campaigns(full)


def test_a_small_change_re_fuses_only_its_component(
    built: Built, planted_parts: list[Path], tmp_path: Path
) -> None:
    """Two new accounts co-posting away from everyone form a component of their own: only it is
    re-fused, the stored campaigns stay as they are, and the edges are still the full run's.

    Campaigns are not compared with `detect` here: detect runs Leiden over every account, and adding
    any account shifts its seeded search, so detect can cut the untouched planted component
    differently (see unmask.watch.graph); the watch keeps the cut it had.
    """
    extra = _newcomers(tmp_path)
    with _copy(built("stepwise", "per_post"), tmp_path) as watched:
        before = _campaigns(watched)
        ingest_paths(watched, [extra])
        step = rescore(watched, PER_POST_ONLY)
        assert not step.whole_graph and step.accounts_fused == 2
        assert step.campaigns == [] and step.alerts == []
        assert _campaigns(watched) == before
        new_edges = "SELECT signal, a, b, actions FROM signal_edges WHERE a LIKE 'x:new%'"
        assert rows(watched, new_edges) == {("co_post", "x:new0", "x:new1", 2)}
        with open_store(build_full(tmp_path / "full.duckdb", [*planted_parts, extra], PER_POST_ONLY)) as full:
            assert signal_edges(watched, PER_POST_ONLY.signals) == signal_edges(full, PER_POST_ONLY.signals)
            assert features(watched) == features(full)


def test_a_failed_step_changes_nothing_and_is_redone(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _copy(built("stepwise", "per_post"), tmp_path) as store:
        extra = _newcomers(tmp_path)
        ingest_paths(store, [extra])
        tables = ("signal_edges", "watch_pairs", "account_features", "campaign_accounts", "watch_state")
        before = {t: rows(store, f"SELECT * FROM {t}") for t in tables}

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("fusion crashed")

        monkeypatch.setattr(incremental, "fuse_touched", broken)
        with pytest.raises(RuntimeError, match="fusion crashed"):
            rescore(store, PER_POST_ONLY)
        assert {t: rows(store, f"SELECT * FROM {t}") for t in tables} == before
        assert [path for _sha, path in pending_sources(store)] == [str(extra)]
        monkeypatch.undo()
        redone = rescore(store, PER_POST_ONLY)
        assert redone.posts == 4 and redone.step == 5 and not redone.baseline
        assert pending_sources(store) == []


def test_first_step_after_detect_keeps_its_campaigns(built: Built, tmp_path: Path) -> None:
    with _copy(built("full", "per_post"), tmp_path) as store:
        detected = rows(store, "SELECT campaign_id, platform, account_id FROM campaign_accounts")
        step = rescore(store, PER_POST_ONLY)
        assert step.baseline and step.alerts == []
        assert rows(store, "SELECT campaign_id, platform, account_id FROM campaign_accounts") == detected
        assert rescore(store, PER_POST_ONLY).posts == 0  # nothing new: nothing scored again
