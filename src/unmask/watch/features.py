"""Account features for the accounts new posts can change, recomputed over those accounts only.

Each built-in feature judges an account from its own posts (rhythm, hijacked) or from the accounts
table (creation batch, thin profile). Running a feature over the posts of the new posts' authors
therefore gives exactly the rows a full run gives for those accounts, and the accounts-table features
come out whole (that table is small next to posts). Accounts whose flag changed are touched.
"""

from __future__ import annotations

from unmask.engines.base import Engine
from unmask.signals.features import FEATURE_COLUMNS
from unmask.signals.registry import ACCOUNT_FEATURES
from unmask.store import Store
from unmask.watch.scope import ScopedEngine, posts_of


def update_features(store: Store, engine: Engine, features: tuple[str, ...], *, whole: bool) -> None:
    """Recompute features for `_watch_authors`; add accounts whose flag changed to `_watch_touched`.

    `whole` says that every post is new (the baseline step): then every account is in scope.
    """
    scoped = (
        engine if whole else ScopedEngine(engine, "_watch_author_posts", posts_of(engine, "_watch_authors"))
    )
    con = store.con
    for name in features:
        engine.materialize("_watch_feature", ACCOUNT_FEATURES[name].compute(scoped).select(*FEATURE_COLUMNS))
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _watch_feature_scope AS
               SELECT acct FROM _watch_feature UNION SELECT acct FROM _watch_authors"""
        )
        con.execute(
            """INSERT INTO _watch_touched
               SELECT coalesce(o.acct, n.acct) FROM
                 (SELECT acct, flag FROM account_features
                  WHERE feature = $1 AND acct IN (SELECT acct FROM _watch_feature_scope)) o
               FULL JOIN _watch_feature n ON o.acct = n.acct
               WHERE coalesce(o.flag, false) <> coalesce(n.flag, false)""",
            [name],
        )
        con.execute(
            "DELETE FROM account_features "
            "WHERE feature = $1 AND acct IN (SELECT acct FROM _watch_feature_scope)",
            [name],
        )
        con.execute("INSERT INTO account_features SELECT * FROM _watch_feature")
