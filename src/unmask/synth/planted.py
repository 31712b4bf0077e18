"""A small planted scenario for tests and examples, written straight through the ingest writer.

30 template-posting accounts created in one batch reply to 20 targets in bursts, among 300 organic
accounts replying to the same targets with random words. Seeded: the same store every time.
Much smaller and blunter than `unmask synth`; it exists so that every layer can be tested in seconds.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from unmask.ingest.records import Account, Post
from unmask.ingest.writer import StagingWriter
from unmask.store import Store

T0 = datetime(2023, 9, 1)
TEMPLATES = (
    "justin trudeau protects a fugitive criminal who insults china every single day",
    "the critic is a liar and a criminal wanted by the police in his own country",
    "canada's government covers up the scandal of the fugitive, shame on you all",
)
WORDS = [
    "the",
    "of",
    "and",
    "canada",
    "budget",
    "housing",
    "tax",
    "vote",
    "climate",
    "health",
    "school",
    "road",
    "city",
    "park",
    "game",
    "team",
    "music",
]


def build_planted(store: Store) -> Store:
    rng = random.Random(1)
    store.con.execute("BEGIN TRANSACTION")
    writer = StagingWriter(store.con, "planted")
    for i in range(300):
        created = T0 - timedelta(days=rng.randint(30, 4000))
        writer.add(Account("x", f"o{i}", handle=f"org{i}", created_at=created, followers=rng.randint(0, 900)))
    for i in range(30):
        writer.add(
            Account("x", f"c{i}", handle=f"cam{i}", created_at=datetime(2023, 8, 20, rng.randint(0, 23)))
        )
    targets = [f"mp{i}" for i in range(20)]
    post_id = 0
    for _ in range(40):
        target, template = rng.choice(targets), rng.choice(TEMPLATES)
        start = T0 + timedelta(hours=rng.randint(0, 24 * 20))
        for c in rng.sample(range(30), 8):
            post_id += 1
            text = f"{template} {rng.choice(['!!', '😡', 'lol', 'x7'])} @{target}"
            when = start + timedelta(minutes=rng.randint(0, 40))
            writer.add(
                Post("x", str(post_id), f"c{c}", when, text=text, reply_to_account_id=target, lang="en")
            )
    for _ in range(6000):
        post_id += 1
        when = T0 + timedelta(minutes=rng.randint(0, 60 * 24 * 20))
        text = " ".join(rng.choices(WORDS, k=12))
        target = rng.choice([*targets, None, None, None])
        writer.add(
            Post("x", str(post_id), f"o{rng.randrange(300)}", when, text=text, reply_to_account_id=target)
        )
    writer.finish()
    store.con.execute("COMMIT")
    return store
