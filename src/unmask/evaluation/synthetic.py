"""The built-in scenario: precision, recall and F1 of every signal on its own, and of the campaigns.

A signal "flags" the accounts it ties to another account by an edge that passed detection's minimum
of co-actions; an account feature flags the accounts it marks. Both are measured against the
scenario's truth file, like the fused result (`unmask.campaigns.evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from unmask.campaigns.evaluate import Evaluation, evaluate, f1_scores, read_truth
from unmask.evaluation.measure import Measured, run_measured, unmask_command
from unmask.signals.registry import ACCOUNT_FEATURES, PAIR_SIGNALS
from unmask.store import Store


@dataclass(frozen=True)
class Scores:
    name: str
    kind: str  # "pair signal", "account feature" or "campaigns (fused)"
    flagged: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class ScenarioFindings:
    posts: int
    seed: int
    accounts: int
    positives: int
    synth: Measured
    ingest: Measured
    detect: Measured
    scores: list[Scores]
    fused: Evaluation


def generate(out: Path, posts: int, seed: int, db: Path) -> tuple[Measured, Measured, Measured]:
    """`unmask synth`, then ingest of its X API v2 file, then detect, each measured."""
    synth = run_measured(
        unmask_command("synth", "--out", str(out), "--posts", str(posts), "--seed", str(seed), "--quiet")
    )
    db.unlink(missing_ok=True)
    ingest = run_measured(unmask_command("ingest", str(out / "x_api_v2.jsonl"), "--db", str(db), "--quiet"))
    detect = run_measured(unmask_command("detect", "--db", str(db), "--quiet"))
    return synth, ingest, detect


def _keys(rows: list[tuple]) -> dict[str, set[tuple[str, str]]]:
    flagged: dict[str, set[tuple[str, str]]] = {}
    for name, acct in rows:
        platform, account_id = acct.split(":", 1)
        flagged.setdefault(name, set()).add((platform, account_id))
    return flagged


def score(store: Store, truth_file: Path) -> tuple[list[Scores], Evaluation, int, int]:
    """Scores per signal, per feature and fused; also the number of accounts and of positives."""
    truth = read_truth(truth_file)
    positives = {key for key, campaign in truth.items() if campaign}
    by_signal = _keys(
        store.con.execute(
            "SELECT signal, a FROM signal_edges UNION SELECT signal, b FROM signal_edges"
        ).fetchall()
    )
    by_feature = _keys(store.con.execute("SELECT feature, acct FROM account_features WHERE flag").fetchall())
    scores = []
    for kind, names, flagged in (
        ("pair signal", PAIR_SIGNALS, by_signal),
        ("account feature", ACCOUNT_FEATURES, by_feature),
    ):
        for name in names:
            accounts = flagged.get(name, set())
            precision, recall, f1 = f1_scores(accounts, positives)
            scores.append(Scores(name, kind, len(accounts), precision, recall, f1))
    fused = evaluate(store, truth)
    scores.append(
        Scores(
            "campaigns",
            "campaigns (fused)",
            fused.true_positives + fused.false_positives,
            fused.precision,
            fused.recall,
            fused.f1,
        )
    )
    return scores, fused, len(truth), len(positives)
