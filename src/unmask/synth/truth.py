"""The answer key: which accounts belong to which campaign (written by the generator, read by evaluation)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from unmask.errors import InputError
from unmask.synth.accounts import CAMPAIGN_ID, Population

TRUTH_HEADER = ("platform", "account_id", "label", "campaign")
PLATFORM = "x"  # the platform whose account ids are numbers (ordered as numbers)


def write_truth(
    path: Path, pop: Population, posted: dict[str, np.ndarray], ids: dict[str, list[str]]
) -> tuple[int, int]:
    """One row per account that posted, platform by platform: X accounts in user-id order (which only
    follows creation time), other platforms' in account-id order. Returns (rows, campaign rows)."""
    rows = campaign_rows = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(TRUTH_HEADER)
        for platform, mask in posted.items():
            who = np.flatnonzero(mask)
            names = ids[platform]
            key = pop.user_id[who] if platform == PLATFORM else np.array([names[i] for i in who.tolist()])
            who = who[np.argsort(key, kind="stable")]
            for i, campaign in zip(who.tolist(), pop.is_campaign[who].tolist(), strict=True):
                label = "campaign" if campaign else "organic"
                out.writerow((platform, names[i], label, CAMPAIGN_ID if campaign else ""))
            rows += len(who)
            campaign_rows += int(pop.is_campaign[who].sum())
    return rows, campaign_rows


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
