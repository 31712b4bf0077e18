"""The real data sets through unmask with its defaults: ingest with the packaged mapping, detect, and
read back what was found (stored results, and the coordination graph the campaigns were cut from).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from unmask.campaigns.detect import DetectConfig
from unmask.campaigns.fuse import FusedGraph, fuse
from unmask.evaluation.measure import Measured, run_measured, unmask_command
from unmask.store import Store


@dataclass(frozen=True)
class RealSet:
    name: str  # the packaged mapping's name, and the set's name in ../shared/README.md
    file: str  # under ../shared/real
    label: str
    # A labelled set: the column naming each row's account (as the mapping keys accounts on the
    # platform below) and the column holding the account's label.
    account_column: str | None = None
    label_column: str | None = None
    platform: str = "x"


REAL_SETS = (
    RealSet("russian_coord_tweets", "russian_coord_tweets.csv", "Retweets, Navalny protests 2021"),
    RealSet("german_elections", "german_elections.csv", "Facebook and X posts, German election 2021"),
    RealSet(
        "ira_2016",
        "ira_2016/ira_tweets_2016-09-01_2016-11-30.csv",
        "IRA accounts, Sept.–Nov. 2016",
        account_column="author_id",
        label_column="account_category",
    ),
)


@dataclass
class SetFindings:
    """What unmask made of one data set with its defaults."""

    name: str
    label: str
    rows: int  # data rows of the file
    posts: int
    rejects: int
    accounts: int
    ingest: Measured
    detect: Measured
    linked: int  # accounts with at least one edge in the coordination graph
    communities: int  # communities of the graph large enough to be a campaign
    campaigns: int
    campaign_accounts: int
    campaign_signals: list[str] = field(default_factory=list)
    signals: dict[str, tuple[int, int]] = field(default_factory=dict)  # signal -> (edges, accounts)


def ingest_and_detect(data: Path, mapping: str, db: Path) -> tuple[Measured, Measured]:
    """`unmask ingest --mapping` then `unmask detect`, each measured as its own process."""
    db.unlink(missing_ok=True)
    ingest = run_measured(
        unmask_command("ingest", str(data), "--mapping", mapping, "--db", str(db), "--quiet")
    )
    detect = run_measured(unmask_command("detect", "--db", str(db), "--quiet"))
    return ingest, detect


def coordination_graph(store: Store) -> FusedGraph:
    """The fused graph of the last detection run, rebuilt from its stored edges exactly as detect did."""
    edges = store.con.execute("SELECT signal, a, b, weight, actions FROM signal_edges").fetch_arrow_table()
    config = DetectConfig()
    return fuse(edges, min_actions=config.min_actions, resolution=config.resolution)


def communities(graph: FusedGraph, *, min_size: int = DetectConfig().min_campaign_size) -> dict[str, int]:
    """Account key -> community index, for communities of at least `min_size` accounts."""
    return {
        graph.accounts[v]: community
        for community, vertices in graph.community_members().items()
        if len(vertices) >= min_size
        for v in vertices
    }


def campaign_groups(store: Store) -> dict[str, str]:
    """Account key -> campaign id, from the stored results."""
    rows = store.con.execute("SELECT campaign_id, platform, account_id FROM campaign_accounts").fetchall()
    return {f"{platform}:{account}": campaign for campaign, platform, account in rows}


def file_rows(store: Store, data: Path) -> int:
    """Data rows of a CSV file (DuckDB's reader: quoted line breaks stay inside their row)."""
    return int(
        store.con.execute("SELECT count(*) FROM read_csv(?, all_varchar = true)", [str(data)]).fetchone()[0]
    )


def findings(store: Store, spec: RealSet, rows: int, ingest: Measured, detect: Measured) -> SetFindings:
    """Counts of the store and of the stored detection results."""

    def one(sql: str) -> int:
        return int(store.con.execute(sql).fetchone()[0] or 0)

    graph = coordination_graph(store)
    per_signal = store.con.execute(
        """SELECT signal, edges, accounts
        FROM (SELECT signal, count(*) AS edges FROM signal_edges GROUP BY signal)
        JOIN (
            SELECT signal, count(DISTINCT acct) AS accounts
            FROM (SELECT signal, a AS acct FROM signal_edges UNION ALL SELECT signal, b FROM signal_edges)
            GROUP BY signal
        ) USING (signal)
        ORDER BY edges DESC, signal"""
    ).fetchall()
    carried: Counter[str] = Counter()
    for (signals,) in store.con.execute("SELECT signals FROM campaign_accounts").fetchall():
        carried.update(s for s in signals.split(";") if s)
    return SetFindings(
        name=spec.name,
        label=spec.label,
        rows=rows,
        posts=one("SELECT count(*) FROM posts"),
        rejects=one("SELECT count(*) FROM rejects"),
        accounts=one("SELECT count(*) FROM accounts"),
        ingest=ingest,
        detect=detect,
        linked=len(graph.accounts),
        communities=len(set(communities(graph).values())),
        campaigns=one("SELECT count(*) FROM campaigns"),
        campaign_accounts=one("SELECT count(*) FROM campaign_accounts"),
        campaign_signals=[name for name, _n in carried.most_common()],
        signals={name: (int(edges), int(accounts)) for name, edges, accounts in per_signal},
    )
