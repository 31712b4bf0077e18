"""One watch step: score the posts of newly ingested sources into the stored results, in one transaction.

Each stage works on what the new posts can change, not on the whole store:

1. pairs (ledger.py): per signal, the pairs in the zone around the new posts' time span, on the keys
   they use, recomputed from the events of that window;
2. edges (edges.py): re-aggregated from the ledger where pairs changed; the other edges re-weighted
   for the new account total;
3. account features (features.py): recomputed for the new posts' authors;
4. touched accounts: those authors, the accounts they replied to or reposted (a campaign's echo,
   amplifiers and targets move with them), both ends of every changed edge, accounts whose flag changed;
5. fusion and scoring (graph.py) of the components holding touched accounts, then amplifiers and
   summaries of the campaigns found there;
6. campaigns followed from step to step, and alerts (tracking.py).

The first step, and the first after `unmask detect` replaced the results, takes every post as new:
it is a full run that also fills the ledger, and it alerts only on campaigns the store did not hold.
A step that fails leaves the store as it was, and its sources are scored again by the next one.

Where a step's results can differ from `unmask detect` on the same posts:
- co_post, co_reply, co_link, co_hashtag, co_repost, co_media: none — the same pairs, edges (weights
  to float rounding) and evidence (tests/watch/test_incremental.py checks this);
- near_duplicate, cross_lingual: their keys are clusters of the window's texts (see ledger.py), so
  an edge's weight and key count can differ where a template's copies span several steps;
- account features: none;
- fusion and scoring: see graph.py (a re-fused subset of components can land on another Leiden
  optimum; untouched components keep the scores of the step that last re-fused them);
- narratives in summaries: clustered over the re-scored campaigns' own texts rather than all texts;
- campaign ids: kept from step to step (tracking.py), where detect numbers campaigns by score, and an
  account sending exactly half its reposts to each of two campaigns amplifies the one with the lower id.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import ibis
import pyarrow as pa
from ibis import _

from unmask.campaigns.amplifiers import add_amplifiers
from unmask.campaigns.detect import DetectConfig
from unmask.campaigns.score import AccountScore, CampaignScore
from unmask.campaigns.summary import summarise_all
from unmask.engines.base import Engine
from unmask.engines.duckdb import DuckDBEngine
from unmask.signals.base import account_key
from unmask.signals.near_duplicate import template_clusters
from unmask.signals.registry import PAIR_SIGNALS
from unmask.store import Store
from unmask.store.db import rollback
from unmask.watch.alerts import Alert, record
from unmask.watch.edges import reweigh_all, update_edges
from unmask.watch.features import update_features
from unmask.watch.graph import AMPLIFIER, fuse_touched
from unmask.watch.ledger import Span, update_signal
from unmask.watch.scope import ScopedEngine, posts_of
from unmask.watch.state import (
    WATCH_ENGINE,
    load_step,
    mark_scored,
    needs_baseline,
    now,
    pending_sources,
    save_step,
)
from unmask.watch.tracking import AlertRules, assign_ids, follow

_BASELINE_CLEARS = (
    "watch_pairs",
    "watch_keys",
    "watch_edges",
    "signal_edges",
    "evidence",
    "account_features",
)


@dataclass
class StepResult:
    """What one step did: how much it read and touched, the campaigns it re-scored, the alerts raised."""

    step: int = 0  # steps done so far, this one included (0: nothing to score yet)
    posts: int = 0
    sources: int = 0
    baseline: bool = False
    edges_changed: int = 0
    accounts_touched: int = 0
    accounts_fused: int = 0
    whole_graph: bool = False
    campaigns: list[CampaignScore] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def rescore(store: Store, config: DetectConfig | None = None, rules: AlertRules | None = None) -> StepResult:
    """Score every ingested source not scored yet (all posts on the first step); commit once."""
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        result = _step(store, config or DetectConfig(), rules or AlertRules())
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    return result


def _step(store: Store, config: DetectConfig, rules: AlertRules) -> StepResult:
    clock = time.perf_counter()
    started = now()
    engine = DuckDBEngine(store)
    baseline = needs_baseline(store)
    pending = pending_sources(store)
    mark_scored(store, [sha for sha, _path in pending])
    fresh, span, posts = _new_posts(engine, baseline, [path for _sha, path in pending])
    result = StepResult(posts=posts, sources=len(pending), baseline=baseline)
    if span is None:
        return result
    done, previous_total = load_step(store)
    result.step = done + 1
    total = int(store.con.execute("SELECT count(*) FROM accounts").fetchone()[0])
    _update_graph_inputs(store, engine, config, result, fresh=fresh, span=span, total=total)
    if total != previous_total:
        reweigh_all(store, total)
    result.seconds["inputs"] = time.perf_counter() - clock
    _update_campaigns(store, engine, config, rules, result, total=total)
    save_step(store, result.step, total)
    _write_run(store, config, started=started, step=result.step, total_accounts=total)
    result.seconds["total"] = time.perf_counter() - clock
    result.seconds["campaigns"] = result.seconds["total"] - result.seconds["inputs"]
    return result


def _new_posts(engine: DuckDBEngine, baseline: bool, paths: list[str]) -> tuple[Engine, Span | None, int]:
    """An engine over the new posts, their time span (None when there is none) and their count.

    Also keeps `_watch_new`: who wrote each new post, whom it replied to or reposted, and when.
    """
    fresh: Engine = engine
    if not baseline:
        posts = engine.table("posts")
        fresh = ScopedEngine(engine, "_watch_new_posts", posts.filter(posts.source_file.isin(paths)))
    new_posts = fresh.table("posts")
    new = engine.materialize(
        "_watch_new",
        new_posts.select(
            acct=account_key(new_posts),
            platform=new_posts.platform,
            reply_to=new_posts.reply_to_account_id,
            repost_of=new_posts.repost_of_account_id,
            created_at=new_posts.created_at,
        ),
    )
    extent = engine.to_arrow(new.aggregate(n=_.count(), start=_.created_at.min(), end=_.created_at.max()))
    count = int(extent["n"][0].as_py())
    span = Span(extent["start"][0].as_py(), extent["end"][0].as_py()) if count else None
    return fresh, span, count


def _update_graph_inputs(
    store: Store,
    engine: DuckDBEngine,
    config: DetectConfig,
    result: StepResult,
    *,
    fresh: Engine,
    span: Span,
    total: int,
) -> None:
    """Pairs, edges and account features for the new posts; the touched accounts in `_watch_touched`."""
    con = store.con
    if result.baseline:
        for table in _BASELINE_CLEARS:
            con.execute(f"DELETE FROM {table}")
    con.execute("CREATE OR REPLACE TEMP TABLE _watch_changed (signal VARCHAR, a VARCHAR, b VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE _watch_touched (acct VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE _watch_authors AS SELECT DISTINCT acct FROM _watch_new")
    for name in config.signals:
        update_signal(
            store,
            engine,
            name,
            window_s=config.windows.get(name, PAIR_SIGNALS[name].window_s),
            span=span,
            fresh=fresh,
            whole=result.baseline,
            step=result.step,
            total_accounts=total,
        )
    result.edges_changed = update_edges(
        store, engine, config.signals, total_accounts=total, min_actions=config.min_actions
    )
    update_features(store, engine, config.features, whole=result.baseline)
    con.execute(
        """INSERT INTO _watch_touched
           SELECT acct FROM _watch_authors
           UNION SELECT platform || ':' || reply_to FROM _watch_new WHERE reply_to IS NOT NULL
           UNION SELECT platform || ':' || repost_of FROM _watch_new WHERE repost_of IS NOT NULL
           UNION SELECT a FROM _watch_changed UNION SELECT b FROM _watch_changed"""
    )
    row = con.execute("SELECT count(DISTINCT acct) FROM _watch_touched").fetchone()
    result.accounts_touched = int(row[0]) if row else 0


def _update_campaigns(
    store: Store,
    engine: DuckDBEngine,
    config: DetectConfig,
    rules: AlertRules,
    result: StepResult,
    *,
    total: int,
) -> None:
    """Re-fuse and re-score the touched part, follow its campaigns, store them and their alerts."""
    part = fuse_touched(store, engine, config, total_accounts=total)
    result.accounts_fused, result.whole_graph = part.accounts, part.whole
    found = part.campaigns
    kept = _stored(store, exclude=part.replaced)
    previous = _stored(store, only=part.replaced)
    new_ids = assign_ids(store, found, {c.campaign_id: set(c.accounts) for c in previous})
    add_amplifiers(engine, found + kept)
    if found and not result.baseline and {"near_duplicate", "cross_lingual"} & set(config.signals):
        _cluster_campaign_texts(engine, found)
    summaries = summarise_all(engine, found)
    _write_campaigns(store, found, summaries, replaced=part.replaced)
    if result.baseline:
        store.con.execute("DELETE FROM watch_campaigns")
    result.vanished = sorted(part.replaced - {c.campaign_id for c in found})
    for cid in result.vanished:
        store.con.execute("DELETE FROM watch_campaigns WHERE campaign_id = ?", [cid])
    result.alerts = follow(store, found, summaries, new_ids, rules, silent=result.baseline)
    record(store, result.alerts, now())
    result.campaigns = found


def _stored(
    store: Store, *, exclude: set[str] | None = None, only: set[str] | None = None
) -> list[CampaignScore]:
    """Stored campaigns with their core members (amplifiers are recomputed with the re-scored ones)."""
    rows = store.con.execute(
        "SELECT c.campaign_id, c.score, a.platform || ':' || a.account_id FROM campaigns c "
        "JOIN campaign_accounts a USING (campaign_id) WHERE a.signals <> ? ORDER BY 1, 3",
        [AMPLIFIER],
    ).fetchall()
    campaigns: dict[str, CampaignScore] = {}
    for cid, score, acct in rows:
        if (exclude is not None and cid in exclude) or (only is not None and cid not in only):
            continue
        campaign = campaigns.setdefault(cid, CampaignScore(cid, score, {}))
        campaign.members.append(AccountScore(acct, score, 0.0, [], []))
    return list(campaigns.values())


def _cluster_campaign_texts(engine: DuckDBEngine, campaigns: list[CampaignScore]) -> None:
    """Template clusters of the campaigns' own texts, for their summaries' narratives (`_nd_clusters`)."""
    accounts = pa.table({"acct": pa.array([a for c in campaigns for a in c.accounts], pa.string())})
    engine.materialize("_watch_campaign_accounts", ibis.memtable(accounts))
    scoped = ScopedEngine(engine, "_watch_campaign_posts", posts_of(engine, "_watch_campaign_accounts"))
    template_clusters(scoped, PAIR_SIGNALS["near_duplicate"].min_chars)


def _write_campaigns(
    store: Store, found: list[CampaignScore], summaries: dict[str, dict[str, Any]], *, replaced: set[str]
) -> None:
    con = store.con
    for table in ("campaigns", "campaign_accounts"):
        con.execute(
            f"DELETE FROM {table} WHERE campaign_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(replaced)]
        )
    if not found:
        return
    con.executemany(
        "INSERT INTO campaigns VALUES (?, ?, ?, ?, ?)",
        [
            [
                c.campaign_id,
                c.score,
                len(c.members),
                summaries[c.campaign_id]["posts"],
                json.dumps(summaries[c.campaign_id], default=str),
            ]
            for c in found
        ],
    )
    con.executemany(
        "INSERT INTO campaign_accounts VALUES (?, ?, ?, ?, ?)",
        [[c.campaign_id, m.platform, m.account_id, m.score, m.signal_list] for c in found for m in c.members],
    )


def _write_run(store: Store, config: DetectConfig, *, started: Any, step: int, total_accounts: int) -> None:
    con = store.con
    posts = int(con.execute("SELECT count(*) FROM posts").fetchone()[0])
    con.execute("DELETE FROM detect_runs")
    con.execute(
        "INSERT INTO detect_runs VALUES (1, ?, ?, ?, ?, ?, ?)",
        [
            WATCH_ENGINE,
            started,
            now(),
            posts,
            total_accounts,
            json.dumps({**asdict(config), "watch_step": step}, sort_keys=True),
        ],
    )
