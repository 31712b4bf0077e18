"""The canonical store: one embedded DuckDB file holding accounts, posts, rejects and results."""

from unmask.store.db import DEFAULT_DB, Store, open_store

__all__ = ["DEFAULT_DB", "Store", "open_store"]
