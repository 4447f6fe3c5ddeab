"""Per-query retrieval metrics, computed by ir_measures' pytrec_eval provider (trec_eval semantics).

Rules, all inherited from trec_eval through pytrec_eval:

* Ranking: documents are ordered by score descending; ties are broken by doc id *descending*
  (plain string comparison). Scores are passed through untouched, so equal scores rank exactly as
  they would in trec_eval.
* Relevance: a judgement ``rel >= 1`` is relevant for recall, precision, mrr, map and hit_rate;
  nDCG uses the grades themselves as gains (``rel <= 0`` gains nothing).
* Queries: every query in ``qrels`` with at least one relevant document gets a row, even when the
  run has nothing for it (all zeros). Queries without a relevant document, and run queries absent
  from ``qrels``, get no row.
* Cutoffs: ``mrr`` / ``map`` without ``@K`` score the whole retrieved list, so in a pipeline they
  are cut at the retrieval depth. ``mrr@K`` is pytrec_eval's reciprocal rank, zeroed when the first
  relevant document ranks below K (its own ``RR@K`` provider, msmarco, breaks ties the other way).
"""

from __future__ import annotations

import math
from statistics import fmean
from typing import Mapping, Sequence

import ir_measures

from ragshift.harness.metrics.spec import MetricSpec
from ragshift.harness.types import Qrels

Run = Mapping[str, Mapping[str, float]]
"""``{qid: {doc_id: score}}``, higher scores are better."""

_FAMILIES = {
    "ndcg": ir_measures.nDCG,
    "recall": ir_measures.R,
    "precision": ir_measures.P,
    "hit_rate": ir_measures.Success,
    "map": ir_measures.AP,
    "mrr": ir_measures.RR,
}


def to_measure(spec: MetricSpec) -> ir_measures.Measure:
    """The ir_measures measure pytrec_eval computes for ``spec`` (``mrr@K`` is cut afterwards)."""
    family = _FAMILIES[spec.name]
    return family if spec.k is None or spec.name == "mrr" else family @ spec.k


def _cut(spec: MetricSpec, value: float) -> float:
    """Apply ``mrr@K``'s cutoff to a full reciprocal rank; other metrics pass through."""
    if spec.name != "mrr" or spec.k is None or value <= 0.0:
        return value
    return value if round(1.0 / value) <= spec.k else 0.0


def _judged(qrels: Qrels) -> dict[str, dict[str, int]]:
    return {
        qid: {doc: int(rel) for doc, rel in docs.items()}
        for qid, docs in qrels.items()
        if any(int(rel) >= 1 for rel in docs.values())
    }


def _scores(qid: str, docs: Mapping[str, float]) -> dict[str, float]:
    scores = {doc: float(score) for doc, score in docs.items()}
    for doc, score in scores.items():
        if not math.isfinite(score):
            raise ValueError(f"query {qid!r}: document {doc!r} has non-finite score {score}")
    return scores


def score_queries(qrels: Qrels, run: Run, metrics: Sequence[MetricSpec]) -> dict[str, dict[str, float]]:
    """One row ``{label: value}`` per judged query of ``qrels``, in ``qrels`` order (see module doc)."""
    judged = _judged(qrels)
    if not judged:
        return {}
    measures = {spec: to_measure(spec) for spec in metrics}
    ranked = {qid: _scores(qid, run.get(qid, {})) for qid in judged}
    values = {
        (m.query_id, m.measure): float(m.value)
        for m in ir_measures.pytrec_eval.iter_calc(set(measures.values()), judged, ranked)
    }
    return {
        qid: {spec.label: _cut(spec, values.get((qid, measure), 0.0)) for spec, measure in measures.items()}
        for qid in judged
    }


def mean_scores(rows: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Mean of each metric over the rows of ``score_queries``: for display only, never for decisions."""
    labels = dict.fromkeys(label for row in rows.values() for label in row)
    return {label: fmean(row[label] for row in rows.values() if label in row) for label in labels}
