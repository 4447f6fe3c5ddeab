"""RerankRetriever: a first stage re-scored by a CrossScorer (the token-overlap fake); contract and behaviour."""

from __future__ import annotations

import pytest

from ragshift.adapters.retrievers.rerank import RerankRetriever
from ragshift.harness.errors import ConfigError
from ragshift.harness.testing.cross_scorer_contract import CrossScorerContract
from ragshift.harness.testing.cross_scorers import TokenOverlapScorer
from ragshift.harness.testing.retriever_contract import CONTRACT_DOCUMENTS, RetrieverContract
from ragshift.harness.types import Hit, Query


class TestRerankOverBM25Contract(RetrieverContract):
    @pytest.fixture
    def make_retriever(self, make_bm25):
        return lambda documents=CONTRACT_DOCUMENTS: RerankRetriever(make_bm25(documents), TokenOverlapScorer(), top_n=5)


class TestRerankWithDocumentTextsContract(RetrieverContract):
    @pytest.fixture
    def make_retriever(self, make_exact):
        def make(documents=CONTRACT_DOCUMENTS):
            texts = {d.doc_id: d.full_text for d in documents}
            return RerankRetriever(make_exact(documents), TokenOverlapScorer(), top_n=6, texts=texts)

        return make


class TestTokenOverlapScorerContract(CrossScorerContract):
    @pytest.fixture
    def make_scorer(self):
        return TokenOverlapScorer


class Fixed:
    def __init__(self, hits):
        self.hits = hits

    def retrieve(self, queries, *, k):
        return {q.qid: self.hits[:k] for q in queries}

    def fingerprint(self):
        return "fixed"

    def describe(self):
        return {"kind": "fixed"}


FIRST = Fixed([Hit("a", 0.9, text="red apples"), Hit("b", 0.8, text="green pears"), Hit("c", 0.7, text="pears and apples")])


def test_reranks_the_top_n_by_the_scorer_and_keeps_first_stage_order_on_ties():
    scorer = TokenOverlapScorer()
    out = RerankRetriever(FIRST, scorer, top_n=3).retrieve([Query("q1", "pears"), Query("q2", "kiwi")], k=3)
    assert [h.doc_id for h in out["q1"]] == ["b", "c", "a"]  # b: 1 + 1/3, c: 1 + 1/4, a: 0 + 1/3
    assert [h.doc_id for h in out["q2"]] == ["a", "b", "c"]  # all 1/3-ish: a and b tie, c lower
    assert out["q1"][0].score == pytest.approx(1 + 1 / 3)
    assert scorer.calls == [6]  # every pair of every query in one call


def test_returns_at_most_top_n_and_cuts_to_k():
    rerank = RerankRetriever(FIRST, TokenOverlapScorer(), top_n=2)
    assert [h.doc_id for h in rerank.retrieve([Query("q", "apples")], k=10)["q"]] == ["a", "b"]
    assert len(rerank.retrieve([Query("q", "apples")], k=1)["q"]) == 1


def test_document_texts_replace_hit_texts_and_are_fingerprinted():
    texts = {"a": "kiwi", "b": "kiwi kiwi plus", "c": "nothing"}
    rerank = RerankRetriever(FIRST, TokenOverlapScorer(), top_n=3, texts=texts)
    assert [h.doc_id for h in rerank.retrieve([Query("q", "kiwi")], k=3)["q"]] == ["a", "b", "c"]
    other = RerankRetriever(FIRST, TokenOverlapScorer(), top_n=3, texts={**texts, "c": "kiwi"})
    assert other.fingerprint() != rerank.fingerprint()
    assert RerankRetriever(FIRST, TokenOverlapScorer(), top_n=4, texts=texts).fingerprint() != rerank.fingerprint()
    assert RerankRetriever(FIRST, TokenOverlapScorer(stopwords=["x"]), top_n=3, texts=texts).fingerprint() != rerank.fingerprint()


def test_missing_passage_text_is_an_error():
    bare = Fixed([Hit("a", 1.0)])
    with pytest.raises(ConfigError, match="without text; pass texts="):
        RerankRetriever(bare, TokenOverlapScorer()).retrieve([Query("q", "x")], k=1)
    with pytest.raises(ConfigError, match="no text for document 'a'"):
        RerankRetriever(bare, TokenOverlapScorer(), texts={}).retrieve([Query("q", "x")], k=1)
    with pytest.raises(ConfigError, match="top_n must be >= 1"):
        RerankRetriever(bare, TokenOverlapScorer(), top_n=0)
