"""The other direction: ragshift scores an app's own LlamaIndex retriever and query engine."""

from __future__ import annotations

import pytest
from llama_index.core import Document as LlamaDocument
from llama_index.core import VectorStoreIndex
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.schema import NodeWithScore, TextNode

from ragshift.adapters.llamaindex.embedding import RagshiftEmbedding
from ragshift.adapters.llamaindex.evaluate import hits_from_nodes, query_engine_rows, retrieval_rows
from ragshift.adapters.llamaindex.retriever import RagshiftRetriever
from app_fixtures import VOCABULARY
from ragshift.harness.config import load_config
from ragshift.harness.corpus import load_corpus
from ragshift.harness.gates import assert_not_worse, gate_settings
from ragshift.harness.testing.embedders import KeywordEmbedder
from ragshift.harness.testing.judges import OverlapJudge

METRICS = ["ndcg@10", "recall@3", "mrr"]


@pytest.fixture(scope="module")
def corpus(keyword_suite):
    return load_corpus(load_config(keyword_suite[0]).corpus.path)


@pytest.fixture(scope="module")
def app_index(corpus):
    """An app's own index: LlamaIndex documents (doc id in metadata), in LlamaIndex's in-memory store."""
    documents = [LlamaDocument(text=d.full_text, metadata={"doc_id": d.doc_id}) for d in corpus.documents.values()]
    return VectorStoreIndex.from_documents(documents, embed_model=RagshiftEmbedding(KeywordEmbedder(VOCABULARY)))


def by_qid(rows):
    return {r.qid: dict(r.metrics) for r in rows}


def test_plug_in_retriever_scores_like_ragshift_eval(keyword_suite, corpus):
    path, result = keyword_suite
    plug_in = RagshiftRetriever.from_config(path, "baseline", similarity_top_k=10)
    rows = retrieval_rows(plug_in, corpus, system="app", metrics=METRICS)
    assert by_qid(rows) == by_qid(r for r in result.rows if r.system == "baseline")
    assert {r.system for r in rows} == {"app"} and all(r.query_type == "keyword" for r in rows)


def test_any_app_retriever_is_scored_from_its_nodes(app_index, corpus):
    rows = retrieval_rows(app_index.as_retriever(similarity_top_k=3), corpus, system="app", metrics=METRICS)
    assert len(rows) == 6 and all(r.metrics["recall@3"] == 1.0 for r in rows)
    assert all(r.hits[0].doc_id == next(iter(r.relevant)) for r in rows)
    assert all([h.score for h in r.hits] == [1.0, 0.5, 1 / 3] for r in rows)  # 1 / rank of the app's order


def test_query_engine_rows_hold_retrieval_and_answer_metrics(app_index, corpus):
    engine = RetrieverQueryEngine.from_args(app_index.as_retriever(similarity_top_k=2), llm=MockLLM())
    rows = query_engine_rows(
        engine, corpus, system="app", metrics=METRICS,
        answer_metrics=["judge.faithfulness", "judge.factual_correctness"], judge=OverlapJudge(),
    )
    assert len(rows) == 6
    for row in rows:
        assert set(row.metrics) == {*METRICS, "judge.faithfulness", "judge.factual_correctness"}
        assert row.metrics["recall@3"] == 1.0 and row.metrics["judge.factual_correctness"] == 1.0
        answer = row.meta["answer"]
        assert answer["text"] and [c["doc_id"] for c in answer["contexts"]] == [h.doc_id for h in row.hits]


def test_faithfulness_gate_over_two_query_engines(keyword_suite, corpus):
    path, _ = keyword_suite
    rows = []
    for name in ("baseline", "candidate"):
        engine = RetrieverQueryEngine.from_args(RagshiftRetriever.from_config(path, name, similarity_top_k=2), llm=MockLLM())
        rows += query_engine_rows(engine, corpus, system=name, metrics=METRICS,
                                  answer_metrics=["judge.faithfulness"], judge=OverlapJudge())
    comparison = assert_not_worse(rows, baseline="baseline", candidate="candidate", metric="judge.faithfulness",
                                  max_drop=0.0, settings=gate_settings(n_resamples=99))
    assert comparison.pairs[0].n_paired == 6


def test_nodes_without_a_document_are_counted_not_scored():
    nodes = [
        NodeWithScore(node=TextNode(id_="a", text="x", metadata={"doc_id": "d1"}), score=0.9),
        NodeWithScore(node=TextNode(id_="b", text="y"), score=0.8),
        NodeWithScore(node=TextNode(id_="c", text="z", metadata={"doc_id": "d1"}), score=0.7),
        NodeWithScore(node=TextNode(id_="d", text="w", metadata={"source": "d2"}), score=0.6),
    ]
    hits, unmapped = hits_from_nodes(nodes)
    assert [(h.doc_id, h.chunk_id, h.score) for h in hits] == [("d1", "a", 1.0)] and unmapped == 2
    hits, unmapped = hits_from_nodes(nodes, doc_id_key="source")
    assert [h.doc_id for h in hits] == ["d2"] and unmapped == 3
