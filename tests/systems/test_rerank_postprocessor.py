"""CrossScorerRerank: a CrossScorer as a LlamaIndex node postprocessor, behind the BM25 LlamaIndex retriever."""

from __future__ import annotations

import pytest

from ragshift.adapters.llamaindex.rerank_postprocessor import CrossScorerRerank
from ragshift.adapters.retrievers.bm25 import BM25Retriever
from ragshift.harness.errors import ConfigError
from ragshift.harness.testing.cross_scorers import TokenOverlapScorer
from ragshift.harness.testing.retriever_contract import CONTRACT_DOCUMENTS


def nodes(*pairs):
    from llama_index.core.schema import NodeWithScore, TextNode

    return [NodeWithScore(node=TextNode(id_=i, text=t), score=0.5) for i, t in pairs]


def test_reranks_by_the_scorer_keeps_top_n_and_leaves_the_input_alone():
    given = nodes(("a", "red apples"), ("b", "green pears"), ("c", "pears and apples"))
    scorer = TokenOverlapScorer()
    out = CrossScorerRerank(scorer, top_n=2).postprocess_nodes(given, query_str="pears")
    assert [(n.node.node_id, round(n.score, 4)) for n in out] == [("b", 1.3333), ("c", 1.25)]
    assert [n.score for n in given] == [0.5, 0.5, 0.5]
    assert scorer.calls == [3]


def test_needs_a_query_and_a_cross_scorer():
    with pytest.raises(ValueError, match="needs the query"):
        CrossScorerRerank(TokenOverlapScorer()).postprocess_nodes(nodes(("a", "x")))
    assert CrossScorerRerank(TokenOverlapScorer()).postprocess_nodes([], query_str="x") == []
    with pytest.raises(ConfigError, match="is not a CrossScorer"):
        CrossScorerRerank(object())


def test_in_a_query_engine_after_the_bm25_retriever():
    from llama_index.core import QueryBundle
    from llama_index.core.llms import MockLLM
    from llama_index.core.query_engine import RetrieverQueryEngine

    retriever = BM25Retriever.from_documents(CONTRACT_DOCUMENTS).as_llama_index(similarity_top_k=5)
    rerank = CrossScorerRerank(TokenOverlapScorer(), top_n=1)
    engine = RetrieverQueryEngine.from_args(retriever, node_postprocessors=[rerank], llm=MockLLM())
    found = engine.retrieve(QueryBundle("how do I reset my password"))
    assert [n.node.ref_doc_id for n in found] == ["pw"]
