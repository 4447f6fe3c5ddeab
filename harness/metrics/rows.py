"""Ranked hits → one ``Row`` per judged query (its metrics, hits and relevant documents)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ragshift.harness.metrics.retrieval import score_queries
from ragshift.harness.metrics.spec import MetricSpec
from ragshift.harness.types import DEFAULT_DATASET, Hit, Query, Row


def rows_from_hits(
    system: str,
    queries: Sequence[Query],
    hits: Mapping[str, Sequence[Hit]],
    qrels: Mapping[str, Mapping[str, int]],
    specs: Sequence[MetricSpec],
    *,
    dataset: str = DEFAULT_DATASET,
    meta: Mapping[str, Any] | None = None,
) -> list[Row]:
    """Score each query's hits in the order given; every row names ``dataset``, and ``meta`` is added to
    its query metadata."""
    judged = {q.qid: dict(qrels.get(q.qid, {})) for q in queries}
    # Rank-derived scores: the metrics see exactly the order the rows show (trec_eval would
    # otherwise re-break exact score ties by doc id).
    run = {qid: {h.doc_id: float(-rank) for rank, h in enumerate(hits.get(qid, []))} for qid in judged}
    per_query = score_queries(judged, run, specs)
    return [
        Row(
            system=system,
            qid=q.qid,
            query=q.text,
            query_type=q.query_type,
            split=q.split,
            metrics=per_query[q.qid],
            hits=tuple(hits.get(q.qid, [])),
            relevant={d: s for d, s in judged[q.qid].items() if s > 0},
            meta={**q.meta, **(meta or {})},
            dataset=dataset,
        )
        for q in queries
    ]
