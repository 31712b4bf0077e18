"""Canonical schema and its migrations.

Each entry of MIGRATIONS moves the store one version up; `schema_version` records where a file is, so
a store written by an older unmask opens after its missing steps are applied. Timestamps are naive
TIMESTAMP values in UTC (the same type on DuckDB and Spark); list columns are VARCHAR[].
"""

from __future__ import annotations

POST_COLUMNS: dict[str, str] = {
    "platform": "VARCHAR NOT NULL",
    "post_id": "VARCHAR NOT NULL",
    "account_id": "VARCHAR NOT NULL",
    "created_at": "TIMESTAMP NOT NULL",
    "text": "VARCHAR",
    "text_norm": "VARCHAR",
    "lang": "VARCHAR",
    "lang_detected": "VARCHAR",
    "reply_to_post_id": "VARCHAR",
    "reply_to_account_id": "VARCHAR",
    "repost_of_post_id": "VARCHAR",
    "repost_of_account_id": "VARCHAR",
    "quote_of_post_id": "VARCHAR",
    "conversation_id": "VARCHAR",
    "urls": "VARCHAR[]",
    "domains": "VARCHAR[]",
    "hashtags": "VARCHAR[]",
    "mentions": "VARCHAR[]",
    "media": "VARCHAR[]",
    "like_count": "BIGINT",
    "repost_count": "BIGINT",
    "reply_count": "BIGINT",
    "quote_count": "BIGINT",
    "view_count": "BIGINT",
    "source_file": "VARCHAR",
    "source_record": "BIGINT",
}

ACCOUNT_COLUMNS: dict[str, str] = {
    "platform": "VARCHAR NOT NULL",
    "account_id": "VARCHAR NOT NULL",
    "handle": "VARCHAR",
    "display_name": "VARCHAR",
    "created_at": "TIMESTAMP",
    "declared_lang": "VARCHAR",
    "followers": "BIGINT",
    "following": "BIGINT",
    "bio": "VARCHAR",
    "location": "VARCHAR",
    "profile_url": "VARCHAR",
    "first_seen": "TIMESTAMP",
    "last_seen": "TIMESTAMP",
    "source_file": "VARCHAR",
    "source_record": "BIGINT",
}

REJECT_COLUMNS: dict[str, str] = {
    "source_file": "VARCHAR NOT NULL",
    "record_no": "BIGINT",
    "field": "VARCHAR",
    "reason": "VARCHAR NOT NULL",
    "raw": "VARCHAR",
    "detail": "VARCHAR",
}


# Post ids are unique, so DuckDB stores them plain whatever it tries; saying so spares each insert
# trying a dictionary on them: 0.1 s of every 1M posts, nothing in size. A storage choice, not the
# schema's: stores created before keep trying, and read the same.
_PLAIN = {"posts": ("post_id",)}


def _table(name: str, columns: dict[str, str], extra: str = "") -> str:
    plain = _PLAIN.get(name, ())
    body = ",\n    ".join(
        f"{col} {typ}{' USING COMPRESSION uncompressed' if col in plain else ''}"
        for col, typ in columns.items()
    )
    return f"CREATE TABLE IF NOT EXISTS {name} (\n    {body}{extra}\n)"


MIGRATIONS: list[list[str]] = [
    # v1: canonical tables and the ledger of ingested files.
    [
        _table("posts", POST_COLUMNS),
        _table("accounts", ACCOUNT_COLUMNS, ",\n    PRIMARY KEY (platform, account_id)"),
        _table("rejects", REJECT_COLUMNS),
        """CREATE TABLE IF NOT EXISTS sources (
    path VARCHAR NOT NULL,
    sha256 VARCHAR PRIMARY KEY,
    format VARCHAR NOT NULL,
    size_bytes BIGINT,
    records BIGINT,
    posts BIGINT,
    accounts BIGINT,
    rejects BIGINT,
    ingested_at TIMESTAMP
)""",
    ],
    # v2: detection results, replaced as a whole by each `unmask detect` run (see campaigns/results.py).
    [
        """CREATE TABLE IF NOT EXISTS detect_runs (
    run_id INTEGER, engine VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP,
    posts BIGINT, accounts BIGINT, params VARCHAR
)""",
        """CREATE TABLE IF NOT EXISTS signal_edges (
    signal VARCHAR, a VARCHAR, b VARCHAR, weight DOUBLE, keys BIGINT, actions BIGINT,
    first_ts TIMESTAMP, last_ts TIMESTAMP
)""",
        """CREATE TABLE IF NOT EXISTS evidence (
    signal VARCHAR, a VARCHAR, b VARCHAR, key VARCHAR, post_a VARCHAR, post_b VARCHAR,
    ts_a TIMESTAMP, ts_b TIMESTAMP
)""",
        """CREATE TABLE IF NOT EXISTS account_features (
    acct VARCHAR, feature VARCHAR, value DOUBLE, flag BOOLEAN, detail VARCHAR
)""",
        """CREATE TABLE IF NOT EXISTS campaigns (
    campaign_id VARCHAR, score DOUBLE, accounts BIGINT, posts BIGINT, summary VARCHAR
)""",
        """CREATE TABLE IF NOT EXISTS campaign_accounts (
    campaign_id VARCHAR, platform VARCHAR, account_id VARCHAR, score DOUBLE, signals VARCHAR
)""",
    ],
    # v3: who may use the web app (users, sessions), what they changed (audit_log), and incident
    # records an analyst edited and saved (used by every export instead of a freshly built one).
    [
        """CREATE TABLE IF NOT EXISTS users (
    name VARCHAR PRIMARY KEY,
    role VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 VARCHAR PRIMARY KEY,
    user_name VARCHAR NOT NULL,
    csrf_token VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE IF NOT EXISTS audit_log (
    logged_at TIMESTAMP NOT NULL,
    user_name VARCHAR,
    action VARCHAR NOT NULL,
    target VARCHAR,
    detail VARCHAR
)""",
        """CREATE TABLE IF NOT EXISTS incidents (
    campaign_id VARCHAR PRIMARY KEY,
    members_sha256 VARCHAR NOT NULL,
    incident_json VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR
)""",
    ],
    # v4: how far an unfinished ingest of a file got (committed chunk by chunk), so a killed ingest
    # resumes after its last committed chunk; the row is replaced by the `sources` row when done.
    [
        """CREATE TABLE IF NOT EXISTS ingest_progress (
    sha256 VARCHAR PRIMARY KEY,
    path VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    records_done BIGINT NOT NULL,
    posts_read BIGINT NOT NULL,
    posts_new BIGINT NOT NULL,
    accounts_new BIGINT NOT NULL,
    rejects VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
)""",
    ],
    # v5: `unmask watch` (see unmask.watch): the alerts it raised, the files it took, the sources it
    # scored, and its incremental state: every co-action pair and each key's popularity (so that an
    # edge can be re-aggregated exactly), per-edge terms to re-weight edges when the account total
    # changes, what it knows of each campaign, and its step counter.
    [
        """CREATE TABLE IF NOT EXISTS alerts (
    alert_id BIGINT PRIMARY KEY,
    raised_at TIMESTAMP NOT NULL,
    kind VARCHAR NOT NULL,
    campaign_id VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    delivered_at TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0
)""",
        """CREATE TABLE IF NOT EXISTS watch_files (
    path VARCHAR PRIMARY KEY, size_bytes BIGINT NOT NULL, mtime_ns BIGINT NOT NULL,
    outcome VARCHAR NOT NULL, detail VARCHAR, taken_at TIMESTAMP NOT NULL
)""",
        "CREATE TABLE IF NOT EXISTS watch_scored (sha256 VARCHAR PRIMARY KEY, scored_at TIMESTAMP NOT NULL)",
        """CREATE TABLE IF NOT EXISTS watch_pairs (
    signal VARCHAR, a VARCHAR, b VARCHAR, key VARCHAR, post_a VARCHAR, post_b VARCHAR,
    ts_a TIMESTAMP, ts_b TIMESTAMP
)""",
        "CREATE TABLE IF NOT EXISTS watch_keys (signal VARCHAR, key VARCHAR, accounts BIGINT)",
        "CREATE TABLE IF NOT EXISTS watch_edges "
        "(signal VARCHAR, a VARCHAR, b VARCHAR, pairs BIGINT, log_k DOUBLE)",
        """CREATE TABLE IF NOT EXISTS watch_campaigns (
    campaign_id VARCHAR, baseline_accounts BIGINT NOT NULL, targets VARCHAR[] NOT NULL
)""",
        "CREATE TABLE IF NOT EXISTS watch_state (step BIGINT NOT NULL, accounts BIGINT NOT NULL)",
    ],
]

RESULT_TABLES = (
    "detect_runs",
    "signal_edges",
    "evidence",
    "account_features",
    "campaigns",
    "campaign_accounts",
)

SCHEMA_VERSION = len(MIGRATIONS)
