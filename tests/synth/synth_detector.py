"""A deliberately simple detector that combines two signals, to show the campaign can be found.

1. Near-duplicate co-replies: two accounts reply to the same post within three hours with texts whose
   word (and word-pair) sets overlap by Jaccard >= 0.3, on at least two different posts together.
2. Amplification inside the network: accounts that retweet two or more posts of accounts found by (1).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from datetime import datetime

_STRIP = re.compile(r"@\w+|https?://\S+|#\w+")
_WORD = re.compile(r"\w+")
WINDOW_SECONDS = 3 * 3600
SIMILARITY = 0.3
MIN_TOKENS = 6


def tokens(text: str) -> set[str]:
    """Words and word pairs of a post without mentions, links and hashtags; character pairs for Chinese."""
    text = _STRIP.sub(" ", text.lower())
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if han:
        return {a + b for a, b in itertools.pairwise(han)}
    words = _WORD.findall(text)
    return set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}


def detect(posts: list[dict[str, str]]) -> set[str]:
    """User ids the two combined signals flag, from io_archive rows."""
    by_parent: dict[str, list[tuple[float, str, set[str]]]] = defaultdict(list)
    for row in posts:
        if row["in_reply_to_tweetid"]:
            words = tokens(row["tweet_text"])
            if len(words) >= MIN_TOKENS:
                when = datetime.strptime(row["tweet_time"], "%Y-%m-%d %H:%M").timestamp()
                by_parent[row["in_reply_to_tweetid"]].append((when, row["userid"], words))
    together: dict[frozenset[str], set[str]] = defaultdict(set)
    for parent, replies in by_parent.items():
        for (ta, ua, a), (tb, ub, b) in itertools.combinations(replies, 2):
            if ua != ub and abs(ta - tb) <= WINDOW_SECONDS and len(a & b) >= SIMILARITY * len(a | b):
                together[frozenset((ua, ub))].add(parent)
    core = {u for pair, parents in together.items() if len(parents) >= 2 for u in pair}
    boosted: dict[str, set[str]] = defaultdict(set)
    for row in posts:
        if row["retweet_userid"] in core:
            boosted[row["userid"]].add(row["retweet_tweetid"])
    return core | {u for u, retweeted in boosted.items() if len(retweeted) >= 2}
