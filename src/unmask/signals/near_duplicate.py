"""Near-duplicate text: templates with a swapped name, an added emoji or a random suffix still match.

Steps, each near-linear: distinct folded texts get MinHash signatures (a per-batch map, identical on
every engine); banding puts candidates in shared buckets; each text is verified against its bucket's
representative (the smallest text) on the full signature — a star, never all pairs of a bucket;
verified links form template clusters (connected components on the driver). The cluster id is then
the co-action key, so pairs come from the same machinery as every other signal.
"""

from __future__ import annotations

import functools
import weakref

import ibis
import ibis.expr.types as ir
import igraph
import numpy as np
import pyarrow as pa
from ibis import _

from unmask.engines.base import Engine
from unmask.signals.base import PairSignal, account_key
from unmask.signals.co_post import original_texts
from unmask.signals.minhash import band_hashes, signatures

NUM_PERM = 32
BANDS = 8  # 8 bands x 4 rows: candidates from Jaccard ~0.6 up
MIN_AGREEMENT = 0.5  # share of equal signature cells to accept a candidate

_SIG_COLUMNS = [f"s{i}" for i in range(NUM_PERM)]
_SIG_SCHEMA = pa.schema(
    [("tid", pa.int64())]
    + [(c, pa.int64()) for c in _SIG_COLUMNS]
    + [(f"band{b}", pa.int64()) for b in range(BANDS)]
)


def _signature_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    texts = batch.column("text_norm").to_pylist()
    sig = signatures(texts, num_perm=NUM_PERM)
    bands = band_hashes(sig, BANDS)
    arrays = [batch.column("tid")]
    arrays += [pa.array(sig[:, i].astype(np.int64)) for i in range(NUM_PERM)]
    arrays += [pa.array(bands[:, b]) for b in range(BANDS)]
    return pa.RecordBatch.from_arrays(arrays, schema=_SIG_SCHEMA)


_CLUSTERS: weakref.WeakKeyDictionary[Engine, dict[int, ir.Table]] = weakref.WeakKeyDictionary()


def template_clusters(engine: Engine, min_chars: int) -> ir.Table:
    """`text_norm → cluster` for every distinct long-enough original text (singletons included).

    Computed once per engine (one detection run) and shared by the signals that need it (near
    duplicates, cross-lingual copies): signing every text twice doubled their cost at 10M posts.
    """
    per_engine = _CLUSTERS.setdefault(engine, {})
    if min_chars not in per_engine:
        per_engine[min_chars] = _template_clusters(engine, min_chars)
    return per_engine[min_chars]


def _template_clusters(engine: Engine, min_chars: int) -> ir.Table:
    texts = original_texts(engine, min_chars).select("text_norm").distinct()
    texts = engine.materialize("_nd_texts", texts.mutate(tid=ibis.row_number().over(order_by=_.text_norm)))
    sigs = engine.map_batches("_nd_sigs", texts, _signature_batch, _SIG_SCHEMA)
    band_rows = ibis.union(
        *(sigs.select("tid", band=ibis.literal(b), bucket=sigs[f"band{b}"]) for b in range(BANDS))
    )
    reps = band_rows.group_by(["band", "bucket"]).aggregate(rep=_.tid.min(), size=_.count())
    star = band_rows.join(reps, ["band", "bucket"]).filter(_.tid != _.rep).select("tid", "rep").distinct()
    rep_sigs = sigs.select(rep="tid", **{f"r{i}": sigs[c] for i, c in enumerate(_SIG_COLUMNS)})
    agree = functools.reduce(
        lambda acc, i: acc + (_[f"s{i}"] == _[f"r{i}"]).cast("int32"),
        range(1, NUM_PERM),
        (_.s0 == _.r0).cast("int32"),
    )
    verified = (
        star.join(sigs, "tid")
        .join(rep_sigs, "rep")
        .mutate(agree=agree)
        .filter(_.agree >= int(MIN_AGREEMENT * NUM_PERM))
        .select("tid", "rep")
    )
    links = engine.to_arrow(verified)
    n_texts = int(engine.to_arrow(texts.aggregate(n=_.count()))["n"][0].as_py())
    graph = igraph.Graph(
        n=n_texts, edges=list(zip(links["tid"].to_pylist(), links["rep"].to_pylist(), strict=True))
    )
    membership = np.asarray(graph.connected_components().membership, dtype=np.int64)
    clusters = pa.table({"tid": np.arange(n_texts, dtype=np.int64), "cluster": membership})
    cluster_table = engine.materialize("_nd_cluster_ids", ibis.memtable(clusters))
    return engine.materialize("_nd_clusters", texts.join(cluster_table, "tid").select("text_norm", "cluster"))


def near_duplicate_events(engine: Engine, signal: PairSignal) -> ir.Table:
    clusters = template_clusters(engine, signal.min_chars)
    posts = original_texts(engine, signal.min_chars)
    joined = posts.join(clusters, "text_norm")
    return joined.select(
        acct=account_key(joined),
        key=joined.cluster.cast("string"),
        ts=joined.created_at,
        post_id=joined.post_id,
    )


NEAR_DUPLICATE = PairSignal(
    name="near_duplicate",
    description="near-identical text (MinHash LSH over character shingles: templates with small edits)",
    events=near_duplicate_events,
)
