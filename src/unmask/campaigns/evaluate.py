"""Account-level precision, recall and F1 against a truth file, and campaign purity."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from unmask.errors import InputError
from unmask.store import Store

TRUTH_HEADER = ("platform", "account_id", "label", "campaign")


@dataclass
class Evaluation:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int
    purity: float  # share of flagged accounts whose found campaign's majority true campaign is theirs
    campaigns_found: int

    def as_dict(self) -> dict[str, float | int]:
        return self.__dict__.copy()


def read_truth(path: Path) -> dict[tuple[str, str], str | None]:
    """(platform, account_id) → true campaign id, or None for organic accounts."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = set(TRUTH_HEADER) - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"{path}: truth file lacks column(s) {', '.join(sorted(missing))}")
            return {
                (row["platform"], row["account_id"]): (row["campaign"] or None)
                if row["label"] != "organic"
                else None
                for row in reader
            }
    except OSError as exc:
        raise InputError(f"{path}: cannot read truth file: {exc.strerror or exc}") from exc


def f1_scores(flagged: set, positives: set) -> tuple[float, float, float]:
    tp = len(flagged & positives)
    precision = tp / len(flagged) if flagged else 0.0
    recall = tp / len(positives) if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(store: Store, truth: dict[tuple[str, str], str | None]) -> Evaluation:
    found = {
        (p, a): c
        for p, a, c in store.con.execute(
            "SELECT platform, account_id, campaign_id FROM campaign_accounts"
        ).fetchall()
    }
    flagged = set(found)
    positives = {k for k, v in truth.items() if v}
    precision, recall, f1 = f1_scores(flagged, positives)
    by_found: dict[str, Counter] = {}
    for key, campaign in found.items():
        by_found.setdefault(campaign, Counter())[truth.get(key)] += 1
    majority = sum(counter.most_common(1)[0][1] for counter in by_found.values())
    return Evaluation(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        true_positives=len(flagged & positives),
        false_positives=len(flagged - positives),
        false_negatives=len(positives - flagged),
        purity=round(majority / len(found), 4) if found else 0.0,
        campaigns_found=len(by_found),
    )
