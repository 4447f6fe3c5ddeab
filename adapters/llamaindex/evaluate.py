"""The other direction: score an app's own LlamaIndex retriever or query engine with ragshift's metrics.

The app's nodes are mapped back to corpus documents by a metadata key (default ``doc_id``), else by
``node.ref_doc_id``; a document ranks where its first node ranks. Hit scores are ``1 / rank`` of the
app's order, since scores of different retrievers are not comparable. The rows compare with
``ragshift.harness.compare.compare_rows`` and gate with ``ragshift.harness.gates`` like any others.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Mapping, Sequence

from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore

from ragshift.harness.answers.metrics import DEFAULT_METRICS as DEFAULT_ANSWER_METRICS
from ragshift.harness.answers.metrics import MENU, parse_answer_metrics
from ragshift.harness.answers.rows import score_samples
from ragshift.harness.answers.sample import AnswerSample
from ragshift.harness.config import DEFAULT_METRICS
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.errors import ConfigError
from ragshift.harness.metrics.rows import rows_from_hits
from ragshift.harness.metrics.spec import MetricSpec, parse_metrics, retrieval_depth
from ragshift.harness.protocols import Judge
from ragshift.harness.types import Hit, Query, Row


def node_doc_id(node: NodeWithScore, key: str = "doc_id") -> str | None:
    """The corpus document a node came from: ``metadata[key]``, else its source document id."""
    value = node.node.metadata.get(key) or node.node.ref_doc_id
    return None if value is None else str(value)


def hits_from_nodes(nodes: Iterable[NodeWithScore], *, doc_id_key: str = "doc_id") -> tuple[list[Hit], int]:
    """Documents in the app's order (first node of each) and how many nodes named no document."""
    hits: dict[str, Hit] = {}
    unmapped = 0
    for node in nodes:
        doc_id = node_doc_id(node, doc_id_key)
        if doc_id is None:
            unmapped += 1
        elif doc_id not in hits:
            hits[doc_id] = Hit(doc_id, 1.0 / (len(hits) + 1), chunk_id=node.node.node_id, text=node.node.get_content())
    return list(hits.values()), unmapped


class AppRetriever:
    """ragshift's ``Retriever`` protocol over any LlamaIndex retriever (its own top-k applies)."""

    def __init__(self, retriever: BaseRetriever, *, doc_id_key: str = "doc_id") -> None:
        self.retriever = retriever
        self.doc_id_key = doc_id_key
        self.unmapped = 0

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]:
        found = {}
        for query in queries:
            hits, unmapped = hits_from_nodes(self.retriever.retrieve(query.text), doc_id_key=self.doc_id_key)
            self.unmapped += unmapped
            found[query.qid] = hits[:k]
        return found


def _queries(corpus: Corpus, split: str | None) -> list[Query]:
    queries = corpus.select(split)
    if not queries:
        raise ConfigError(f"corpus {corpus.name!r} has no judged queries in split {split!r}; splits: {', '.join(corpus.splits())}")
    return queries


def _rows(
    system: str,
    queries: Sequence[Query],
    hits: Mapping[str, Sequence[Hit]],
    corpus: Corpus,
    specs: Sequence[MetricSpec],
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Row]:
    plain = {q.qid: [Hit(h.doc_id, h.score, h.chunk_id) for h in hits[q.qid]] for q in queries}
    rows = rows_from_hits(system, queries, plain, corpus.qrels, specs)
    extra = extra or {}
    return [
        replace(
            row,
            metrics={**row.metrics, **extra.get(row.qid, {}).get("metrics", {})},
            meta={**row.meta, **extra.get(row.qid, {}).get("meta", {})},
        )
        for row in rows
    ]


def retrieval_rows(
    retriever: BaseRetriever,
    corpus: Corpus,
    *,
    system: str,
    metrics: Sequence[str] = DEFAULT_METRICS,
    split: str | None = "test",
    doc_id_key: str = "doc_id",
) -> list[Row]:
    """One row per judged query of ``split``: retrieval metrics of the app retriever's nodes."""
    specs = parse_metrics(metrics)
    queries = _queries(corpus, split)
    app = AppRetriever(retriever, doc_id_key=doc_id_key)
    return _rows(system, queries, app.retrieve(queries, k=retrieval_depth(specs)), corpus, specs)


def query_engine_rows(
    engine: BaseQueryEngine,
    corpus: Corpus,
    *,
    system: str,
    metrics: Sequence[str] = DEFAULT_METRICS,
    answer_metrics: Sequence[str] = DEFAULT_ANSWER_METRICS,
    judge: Judge | None = None,
    offline: Judge | None = None,
    split: str | None = "test",
    doc_id_key: str = "doc_id",
) -> list[Row]:
    """One row per judged query: retrieval metrics of the response's source nodes plus answer metrics
    of its text (``judge.*`` need ``judge``; the others use ``offline``, default ragas' non-LLM metrics).

    ``meta["answer"]`` holds the response text and its contexts; a metric a query cannot be scored on
    is None, never 0.
    """
    specs = parse_metrics(metrics)
    labels = parse_answer_metrics(answer_metrics)
    if offline is None and any(not MENU[label].judged for label in labels):
        from ragshift.adapters.judges.ragas_offline import RagasOfflineScorer

        offline = RagasOfflineScorer()
    queries = _queries(corpus, split)
    depth = retrieval_depth(specs)
    hits: dict[str, list[Hit]] = {}
    samples = []
    for query in queries:
        response = engine.query(query.text)
        nodes = list(response.source_nodes)
        found, _ = hits_from_nodes(nodes, doc_id_key=doc_id_key)
        hits[query.qid] = found[:depth]
        relevant = [d for d, g in corpus.qrels.get(query.qid, {}).items() if g > 0 and d in corpus.documents]
        samples.append(
            AnswerSample(
                qid=query.qid, question=query.text, response=str(response.response or ""),
                contexts=tuple(n.node.get_content() for n in nodes),
                context_ids=tuple(node_doc_id(n, doc_id_key) or "" for n in nodes),
                references=tuple(corpus.answers.get(query.qid, ())),
                reference_contexts=tuple(corpus.documents[d].full_text for d in relevant),
                reference_context_ids=tuple(relevant),
            )
        )
    scores = score_samples(samples, labels, offline=offline, judge=judge)  # type: ignore[arg-type]
    extra = {
        s.qid: {
            "metrics": {label: (column[i].value if column[i] is not None else None) for label, column in scores.items()},
            "meta": {"answer": {"text": s.response, "contexts": [{"doc_id": d, "text": t} for d, t in zip(s.context_ids, s.contexts)]}},
        }
        for i, s in enumerate(samples)
    }
    return _rows(system, queries, hits, corpus, specs, extra)
