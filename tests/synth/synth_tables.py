"""Per-account tables built from a generated io_archive.csv, and the best one-field rules against truth.

A "one-field rule" flags accounts from a single column: a threshold (>= t or <= t) on a number, or
membership in one category (or the best greedy union of categories). Its account-level F1 against
truth says how much that column alone gives the campaign away.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

DAY = 86_400
BURST = (datetime(2023, 9, 1, tzinfo=UTC).timestamp(), datetime(2023, 9, 5, tzinfo=UTC).timestamp())
WINDOW_START = datetime(2023, 8, 1, tzinfo=UTC).timestamp()
NUMERIC_POST_COLUMNS = ("quote_count", "reply_count", "like_count", "retweet_count")
CATEGORY_POST_COLUMNS = (
    "tweet_language", "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid",
    "quoted_tweet_tweetid", "is_retweet", "retweet_userid", "retweet_tweetid", "tweet_text", "latitude",
    "longitude", "poll_choices",
)  # fmt: skip
LIST_POST_COLUMNS = ("hashtags", "urls", "user_mentions")
MAX_UNION_VALUES = 12
PROFILE_CATEGORIES = (
    "user_display_name", "user_screen_name", "user_reported_location", "user_profile_description",
    "user_profile_url", "account_creation_date", "account_language",
)  # fmt: skip


def read_truth(path: Path) -> dict[str, bool]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["account_id"]: row["label"] == "campaign" for row in csv.DictReader(fh)}


def read_posts(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _seconds(minute: str) -> float:
    return datetime.strptime(minute, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).timestamp()


def _list(cell: str) -> list[str]:
    inner = cell.strip()[1:-1].strip()
    return [x.strip() for x in inner.split(",")] if inner else []


class AccountTable:
    """Numeric and categorical per-account columns; `accounts` fixes the row order."""

    def __init__(self, posts: list[dict[str, str]], truth: dict[str, bool]) -> None:
        by_account: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in posts:
            by_account[row["userid"]].append(row)
        self.accounts = sorted(by_account)
        self.labels = np.array([truth[a] for a in self.accounts])
        self.numeric: dict[str, np.ndarray] = {}
        self.categories: dict[str, list[set[str]]] = {}
        self._profile(by_account)
        self._behaviour(by_account)
        self._post_columns(by_account)

    def _profile(self, by_account: dict[str, list[dict[str, str]]]) -> None:
        first = [by_account[a][0] for a in self.accounts]
        for col in PROFILE_CATEGORIES:
            self.categories[col] = [{row[col]} for row in first]
        created = np.array([datetime.fromisoformat(r["account_creation_date"]).timestamp() for r in first])
        self.numeric["account_age_days"] = (datetime(2023, 10, 1).timestamp() - created) / DAY
        self.numeric["userid"] = np.array([float(a) for a in self.accounts])
        self.numeric["follower_count"] = np.array([float(r["follower_count"]) for r in first])
        self.numeric["following_count"] = np.array([float(r["following_count"]) for r in first])
        self.numeric["follow_ratio"] = (self.numeric["follower_count"] + 1) / (
            self.numeric["following_count"] + 1
        )
        self.numeric["bio_empty"] = np.array([float(not r["user_profile_description"]) for r in first])
        self.numeric["location_empty"] = np.array([float(not r["user_reported_location"]) for r in first])
        self.numeric["name_length"] = np.array([len(r["user_display_name"]) for r in first], float)
        self.numeric["handle_trailing_digits"] = np.array(
            [len(r["user_screen_name"]) - len(r["user_screen_name"].rstrip("0123456789")) for r in first],
            float,
        )

    def _behaviour(self, by_account: dict[str, list[dict[str, str]]]) -> None:
        cols: dict[str, list[float]] = defaultdict(list)
        for a in self.accounts:
            rows = by_account[a]
            n = len(rows)
            times = np.sort([_seconds(r["tweet_time"]) for r in rows])
            hours = (times % DAY) // 3600
            kinds = [
                "retweet" if r["is_retweet"] == "True" else "reply" if r["in_reply_to_tweetid"] else
                "quote" if r["quoted_tweet_tweetid"] else "original"
                for r in rows
            ]  # fmt: skip
            langs = {r["tweet_language"] for r in rows}
            in_window = times >= WINDOW_START
            cols["posts"].append(n)
            cols["posts_in_window"].append(float(in_window.sum()))
            cols["posts_before_window"].append(float((~in_window).sum()))
            for k in ("original", "reply", "retweet", "quote"):
                cols[f"{k}_share"].append(kinds.count(k) / n)
            cols["distinct_tweet_languages"].append(len(langs))
            cols["declared_language_share"].append(
                sum(r["tweet_language"] == r["account_language"].split("-")[0] for r in rows) / n
            )
            cols["distinct_clients"].append(len({r["tweet_client_name"] for r in rows}))
            cols["first_post"].append(times[0])
            cols["last_post"].append(times[-1])
            cols["max_gap_days"].append(float(np.diff(times).max() / DAY) if n > 1 else 0.0)
            cols["active_days"].append(len(set((times // DAY).tolist())))
            cols["posts_per_active_day"].append(n / cols["active_days"][-1])
            cols["mean_hour"].append(float(hours.mean()))
            cols["share_01_10_utc"].append(float(((hours >= 1) & (hours < 10)).mean()))
            cols["burst_share"].append(float(((times >= BURST[0]) & (times < BURST[1])).mean()))
            cols["hashtag_share"].append(sum(r["hashtags"] != "[]" for r in rows) / n)
            cols["url_share"].append(sum(r["urls"] != "[]" for r in rows) / n)
            cols["mention_share"].append(sum(r["user_mentions"] != "[]" for r in rows) / n)
            cols["mean_text_length"].append(float(np.mean([len(r["tweet_text"]) for r in rows])))
            targets = {r["in_reply_to_userid"] for r in rows if r["in_reply_to_userid"]}
            cols["distinct_reply_targets"].append(len(targets))
            cols["distinct_retweeted_accounts"].append(
                len({r["retweet_userid"] for r in rows if r["retweet_userid"]})
            )
            for c in NUMERIC_POST_COLUMNS:
                values = [float(r[c]) for r in rows]
                cols[f"mean_{c}"].append(float(np.mean(values)))
        for name, values in cols.items():
            self.numeric[name] = np.array(values, float)

    def _post_columns(self, by_account: dict[str, list[dict[str, str]]]) -> None:
        """Per-post columns: numbers as per-account min and max (= 'all posts' / 'any post' thresholds),
        categories and list elements as the set of values an account ever used."""
        for c in NUMERIC_POST_COLUMNS:
            values = [[float(r[c]) for r in by_account[a]] for a in self.accounts]
            self.numeric[f"min_{c}"] = np.array([min(v) for v in values])
            self.numeric[f"max_{c}"] = np.array([max(v) for v in values])
        for c in CATEGORY_POST_COLUMNS:
            self.categories[c] = [{r[c] for r in by_account[a]} for a in self.accounts]
        for c in LIST_POST_COLUMNS:
            self.categories[c] = [{x for r in by_account[a] for x in _list(r[c])} for a in self.accounts]
        for c in ("tweet_language", "tweet_client_name"):  # share of an account's posts with each value
            values = sorted({r[c] for rows in by_account.values() for r in rows})
            for v in values:
                self.numeric[f"share_{c}={v}"] = np.array(
                    [sum(r[c] == v for r in by_account[a]) / len(by_account[a]) for a in self.accounts]
                )


def f1(flagged: np.ndarray, labels: np.ndarray) -> float:
    tp = float(np.sum(flagged & labels))
    if not tp:
        return 0.0
    return 2 * tp / (float(flagged.sum()) + float(labels.sum()))


def best_threshold_f1(values: np.ndarray, labels: np.ndarray) -> float:
    """Best F1 of 'value >= t' or 'value <= t' over every t (NaN never flagged)."""
    ok = ~np.isnan(values)
    v, y = values[ok], labels[ok]
    total_pos = float(labels.sum())
    best = 0.0
    for sign in (1.0, -1.0):
        order = np.argsort(-sign * v, kind="stable")
        sv, sy = v[order], y[order]
        tp = np.cumsum(sy)
        last_of_value = np.append(sv[1:] != sv[:-1], True)  # a cut must not split equal values
        k = np.arange(1, len(sv) + 1)
        scores = 2 * tp / (k + total_pos)
        if last_of_value.any():
            best = max(best, float(scores[last_of_value].max()))
    return best


def best_category_f1(values: list[set[str]], labels: np.ndarray) -> float:
    """Best F1 of 'account used value c' for one c; for a column of few values (languages, clients) also
    of the best greedy union of values by precision. (A union over thousands of ids or texts would only
    memorise the accounts.)"""
    pos: dict[str, int] = defaultdict(int)
    tot: dict[str, int] = defaultdict(int)
    for vs, y in zip(values, labels.tolist(), strict=True):
        for v in vs:
            tot[v] += 1
            pos[v] += y
    total_pos = float(labels.sum())
    best = max((2 * pos[v] / (tot[v] + total_pos) for v in tot if pos[v]), default=0.0)
    if len(tot) > MAX_UNION_VALUES:
        return best
    ranked = sorted((v for v in tot if pos[v]), key=lambda v: (-pos[v] / tot[v], -pos[v], v))
    chosen: set[str] = set()
    for v in ranked:
        chosen.add(v)
        flagged = np.array([bool(vs & chosen) for vs in values])
        best = max(best, f1(flagged, labels))
    return best


def leak_scores(table: AccountTable) -> dict[str, float]:
    scores = {name: best_threshold_f1(v, table.labels) for name, v in table.numeric.items()}
    scores.update({name: best_category_f1(v, table.labels) for name, v in table.categories.items()})
    return scores


def x_api_columns(path: Path, accounts: list[str]) -> dict[str, np.ndarray]:
    """Columns only the X API v2 layout carries: the users' tweet and listed counts, the share of posts
    with an attached image."""
    users: dict[str, dict] = {}
    media: dict[str, list[bool]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            page = json.loads(line)
            for user in page["includes"]["users"]:
                users[user["id"]] = user["public_metrics"]
            for tweet in page["data"]:
                media[tweet["author_id"]].append("attachments" in tweet)
    return {
        "tweet_count": np.array([float(users[a]["tweet_count"]) for a in accounts]),
        "listed_count": np.array([float(users[a]["listed_count"]) for a in accounts]),
        "media_share": np.array([float(np.mean(media[a])) for a in accounts]),
    }
