"""The IRA set against Clemson's coding: which of the 598 accounts unmask links, and how its groups
line up with `account_category` (RightTroll, LeftTroll, NonEnglish, HashtagGamer, NewsFeed, ...).

The set has positives only, so there is no precision to measure; what can be measured is coverage
(accounts linked) and agreement: a contingency table, purity and the adjusted Rand index between
unmask's groups (communities of campaign size, and campaigns) and the categories, over the accounts
in those groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from unmask.campaigns.fuse import FusedGraph
from unmask.errors import InputError
from unmask.evaluation.metrics import Contingency, adjusted_rand_index, contingency
from unmask.evaluation.real import RealSet, campaign_groups, communities
from unmask.store import Store

NOT_LINKED = "not linked"


@dataclass(frozen=True)
class Alignment:
    """One labelling of the linked accounts (communities, or campaigns) against the categories."""

    what: str
    groups: int
    accounts: int
    table: Contingency  # displayed: the groups, then the linked accounts in none, then the unlinked
    ari: float | None  # over the grouped accounts; None with fewer than two of them
    purity: float | None  # share of grouped accounts in their group's most common category


@dataclass(frozen=True)
class CategoryAlignment:
    accounts: int
    linked: int
    communities: Alignment
    campaigns: Alignment


def categories(store: Store, data: Path, spec: RealSet) -> dict[str, str]:
    """Account key (`platform:account_id`) -> the label the set's file gives the account."""
    if spec.account_column is None or spec.label_column is None:
        raise InputError(f"{spec.name} carries no labels")
    rows = store.con.execute(
        f'SELECT "{spec.account_column}", min("{spec.label_column}") '
        "FROM read_csv(?, all_varchar = true) GROUP BY 1",
        [str(data)],
    ).fetchall()
    return {f"{spec.platform}:{account}": label for account, label in rows if account and label}


def group_names(groups: dict[str, int]) -> dict[str, str]:
    """Group indexes renamed G01, G02, ... by size (largest first), for tables and figures."""
    sizes: dict[int, int] = {}
    for index in groups.values():
        sizes[index] = sizes.get(index, 0) + 1
    order = sorted(sizes, key=lambda index: (-sizes[index], index))
    names = {index: f"G{rank:02d}" for rank, index in enumerate(order, start=1)}
    return {acct: names[index] for acct, index in groups.items()}


def _align(
    what: str, grouped: dict[str, str], ungrouped: str, linked: set[str], truth: dict[str, str]
) -> Alignment:
    shown = {acct: grouped.get(acct, ungrouped if acct in linked else NOT_LINKED) for acct in truth}
    table = contingency(shown, truth).with_rows([*sorted(set(grouped.values())), ungrouped, NOT_LINKED])
    scored = contingency({acct: grouped[acct] for acct in grouped if acct in truth}, truth)
    enough = scored.total >= 2
    return Alignment(
        what,
        len(scored.rows),
        scored.total,
        table,
        adjusted_rand_index(scored) if enough else None,
        scored.purity() if enough else None,
    )


def align(store: Store, graph: FusedGraph, truth: dict[str, str]) -> CategoryAlignment:
    """Communities of the coordination graph (of campaign size) and campaigns, against the categories."""
    linked = set(graph.accounts)
    found = group_names(communities(graph))
    campaigns = campaign_groups(store)
    return CategoryAlignment(
        accounts=len(truth),
        linked=len(linked & truth.keys()),
        communities=_align("communities", found, "linked, in smaller groups", linked, truth),
        campaigns=_align("campaigns", campaigns, "linked, in no campaign", linked, truth),
    )
