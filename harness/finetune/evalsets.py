"""The dev split carved from train, and the per-epoch train-sample / dev evaluation over a document pool."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

import numpy as np

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.finetune.similarity import duplicate_groups
from ragshift.harness.metrics.retrieval import score_queries
from ragshift.harness.metrics.spec import parse_metric
from ragshift.harness.types import Qrels, Query

METRIC = parse_metric("ndcg@10")
DEPTH = 100


def split_dev(
    queries: Sequence[Query], *, fraction: float, seed: int, near_duplicate: float
) -> tuple[list[Query], list[Query]]:
    """``(train, dev)``: whole groups of near-identical queries go to one side, chosen by ``seed``."""
    queries = sorted(queries, key=lambda q: q.qid)
    target = round(fraction * len(queries))
    if target == 0 or len(queries) < 2:
        return list(queries), []
    groups: dict[int, list[Query]] = {}
    for q, g in zip(queries, duplicate_groups([q.text for q in queries], threshold=near_duplicate)):
        groups.setdefault(g, []).append(q)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    dev: list[Query] = []
    for g in order:
        if len(dev) >= target:
            break
        if len(dev) + len(groups[g]) < len(queries):
            dev += groups[g]
    dev_ids = {q.qid for q in dev}
    return [q for q in queries if q.qid not in dev_ids], sorted(dev, key=lambda q: q.qid)


def sample_queries(queries: Sequence[Query], n: int, *, seed: int) -> list[Query]:
    """A seeded sample of ``n`` queries (all of them when fewer)."""
    queries = sorted(queries, key=lambda q: q.qid)
    if len(queries) <= n:
        return queries
    return sorted(random.Random(seed).sample(queries, n), key=lambda q: q.qid)


@dataclass(frozen=True)
class EvalSets:
    """Named query sets ranked against one document pool; ``qrels`` covers every query."""

    documents: Mapping[str, str]
    queries: Mapping[str, Mapping[str, str]]
    qrels: Qrels

    def describe(self) -> dict[str, int]:
        return {"pool_documents": len(self.documents), **{f"{k}_queries": len(v) for k, v in self.queries.items()}}


def build_eval_sets(corpus: Corpus, sets: Mapping[str, Sequence[Query]], *, pool_size: int, seed: int) -> EvalSets:
    """A pool of every document judged for these queries plus a seeded sample, ``pool_size`` in all."""
    qrels = {q.qid: dict(corpus.qrels.get(q.qid, {})) for qs in sets.values() for q in qs}
    judged = sorted({d for j in qrels.values() for d in j if d in corpus.documents})
    rest = sorted(set(corpus.documents) - set(judged))
    extra = random.Random(seed).sample(rest, min(len(rest), max(0, pool_size - len(judged))))
    pool = sorted(judged + extra)
    return EvalSets(
        documents={d: corpus.documents[d].full_text for d in pool},
        queries={name: {q.qid: q.text for q in qs} for name, qs in sets.items() if qs},
        qrels=qrels,
    )


def mean_ndcg(
    query_ids: Sequence[str], query_vectors: np.ndarray, doc_ids: Sequence[str], doc_vectors: np.ndarray, qrels: Qrels
) -> float:
    """Mean nDCG@10 of ranking ``doc_ids`` by cosine for each query (harness metrics, trec_eval rules)."""
    q = np.asarray(query_vectors, dtype=np.float32)
    d = np.asarray(doc_vectors, dtype=np.float32)
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
    d = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
    scores = q @ d.T
    depth = min(DEPTH, len(doc_ids))
    run = {}
    for row, qid in enumerate(query_ids):
        top = np.argpartition(-scores[row], depth - 1)[:depth]
        run[qid] = {doc_ids[i]: float(scores[row, i]) for i in top}
    per_query = score_queries({qid: qrels[qid] for qid in query_ids}, run, [METRIC])
    return round(fmean(row[METRIC.label] for row in per_query.values()), 6) if per_query else 0.0
