"""The answer key: which accounts belong to which campaign (written by the generator, read by evaluation)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from unmask.errors import InputError
from unmask.synth.accounts import CAMPAIGN_ID, Population

TRUTH_HEADER = ("platform", "account_id", "label", "campaign")
PLATFORM = "x"


def write_truth(path: Path, pop: Population, posted: np.ndarray) -> None:
    """One row per account that posted, in user-id order (which only follows creation time)."""
    who = np.flatnonzero(posted)
    who = who[np.argsort(pop.user_id[who], kind="stable")]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(TRUTH_HEADER)
        for uid, campaign in zip(pop.user_id[who].tolist(), pop.is_campaign[who].tolist(), strict=True):
            out.writerow(
                (PLATFORM, uid, "campaign" if campaign else "organic", CAMPAIGN_ID if campaign else "")
            )


def load_truth(path: Path) -> dict[tuple[str, str], str | None]:
    """Read truth.csv into {(platform, account_id): campaign id, or None for organic accounts}."""
    try:
        with Path(path).open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read truth file {path}: {exc}") from exc
    if not rows or tuple(rows[0]) != TRUTH_HEADER:
        raise InputError(f"{path} is not a truth file: the header must be {','.join(TRUTH_HEADER)}")
    truth: dict[tuple[str, str], str | None] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != len(TRUTH_HEADER):
            raise InputError(f"{path}:{line_no}: expected {len(TRUTH_HEADER)} fields, got {len(row)}")
        platform, account, label, campaign = row
        if label not in ("campaign", "organic") or (label == "campaign") != bool(campaign):
            raise InputError(f"{path}:{line_no}: label {label!r} does not agree with campaign {campaign!r}")
        if (platform, account) in truth:
            raise InputError(f"{path}:{line_no}: account {platform}/{account} listed twice")
        truth[(platform, account)] = campaign or None
    return truth
