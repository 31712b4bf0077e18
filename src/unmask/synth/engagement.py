"""Public metrics of posts: reactions seen in the data plus the unseen rest of the platform.

One law for every author: counts depend on the kind of post, the author's audience and the reactions
the scenario itself planned. Campaign posts get their likes and retweets from inside the network only
because that is where their planned reactions come from.
"""

from __future__ import annotations

import numpy as np

from unmask.synth.accounts import Population
from unmask.synth.batch import ORIGINAL, QUOTE, REPLY, RETWEET, PostBatch
from unmask.synth.sampling import overdispersed


def settle(posts: PostBatch, reactions: PostBatch, pop: Population, rng: np.random.Generator) -> None:
    """Fill likes/retweets/replies/quotes of `posts`, counting `reactions` that point at them."""
    n = len(posts)
    if not n:
        return
    seen = {k: np.zeros(n, np.int64) for k in (REPLY, RETWEET, QUOTE)}
    if len(reactions):
        order = np.argsort(posts.post_id)
        pos = np.searchsorted(posts.post_id[order], reactions.parent)
        pos = np.minimum(pos, n - 1)
        hit = posts.post_id[order][pos] == reactions.parent
        for k in seen:
            sel = hit & (reactions.kind == k)
            seen[k] = np.bincount(order[pos[sel]], minlength=n)
    audience = pop.followers[posts.author].astype(float)
    original = posts.kind == ORIGINAL
    base = np.where(original, 0.4 + 0.02 * audience**0.85, 0.15 + 0.004 * audience**0.8)
    base[posts.kind == RETWEET] = 0.0
    posts.likes[:] = overdispersed(rng, base) + 2 * seen[RETWEET] + seen[REPLY] // 2
    posts.retweets[:] = seen[RETWEET] + overdispersed(rng, 0.12 * base * original)
    posts.replies[:] = seen[REPLY] + overdispersed(rng, 0.04 * base)
    posts.quotes[:] = seen[QUOTE] + overdispersed(rng, 0.01 * base * original)
