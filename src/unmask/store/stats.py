"""Counts of what a store holds: the `unmask stats` contract."""

from __future__ import annotations

from typing import TypedDict

from unmask.store.db import Store


class StoreStats(TypedDict):
    accounts: dict[str, int]
    posts: dict[str, int]
    rejects: dict[str, int]


def _grouped(store: Store, sql: str) -> dict[str, int]:
    return {str(key): int(n) for key, n in store.con.execute(sql).fetchall()}


def store_stats(store: Store) -> StoreStats:
    """Accounts and posts per platform, rejects per reason."""
    return StoreStats(
        accounts=_grouped(store, "SELECT platform, count(*) FROM accounts GROUP BY 1 ORDER BY 1"),
        posts=_grouped(store, "SELECT platform, count(*) FROM posts GROUP BY 1 ORDER BY 1"),
        rejects=_grouped(store, "SELECT reason, count(*) FROM rejects GROUP BY 1 ORDER BY 1"),
    )
