"""HybridRetriever: dense (fake) + BM25 fused by RRF or a weighted sum; contract and behaviour."""

from __future__ import annotations

import pytest

from ragshift.adapters.retrievers.hybrid import HybridRetriever
from ragshift.harness.errors import ConfigError
from ragshift.harness.fusion import Fusion, rrf
from ragshift.harness.testing.retriever_contract import CONTRACT_DOCUMENTS, CONTRACT_QUERIES, RetrieverContract
from ragshift.harness.types import Hit, Query


class TestHybridRRFContract(RetrieverContract):
    @pytest.fixture
    def make_retriever(self, make_exact, make_bm25):
        return lambda documents=CONTRACT_DOCUMENTS: HybridRetriever([make_exact(documents), make_bm25(documents)])


class TestHybridWeightedContract(RetrieverContract):
    @pytest.fixture
    def make_retriever(self, make_exact, make_bm25):
        fusion = Fusion(method="weighted", weights=(0.7, 0.3), normalization="zscore")
        return lambda documents=CONTRACT_DOCUMENTS: HybridRetriever(
            [make_exact(documents), make_bm25(documents)], fusion=fusion, depth=5
        )


class Fixed:
    """A system answering every query with the same list (and recording the k it was asked for)."""

    def __init__(self, name, hits):
        self.name, self.hits, self.asked = name, hits, []

    def retrieve(self, queries, *, k):
        self.asked.append(k)
        return {q.qid: self.hits[:k] for q in queries}

    def fingerprint(self):
        return self.name

    def describe(self):
        return {"kind": "fixed", "name": self.name}


def test_parts_retrieve_at_depth_and_the_fused_list_is_cut_to_k():
    a = Fixed("a", [Hit("d1", 3.0), Hit("d2", 2.0), Hit("d3", 1.0)])
    b = Fixed("b", [Hit("d3", 9.0), Hit("d1", 8.0)])
    hybrid = HybridRetriever([a, b], depth=3)
    out = hybrid.retrieve([Query("q", "x")], k=2)
    assert out == {"q": rrf([a.hits, b.hits])[:2]}
    assert a.asked == b.asked == [3]
    assert hybrid.retrieve([Query("q", "x")], k=5)["q"] == rrf([a.hits, b.hits])  # the union: 3 documents
    assert a.asked[-1] == 3


def test_fingerprint_covers_parts_fusion_and_depth():
    a, b, c = Fixed("a", []), Fixed("b", []), Fixed("c", [])
    base = HybridRetriever([a, b]).fingerprint()
    assert HybridRetriever([a, b]).fingerprint() == base
    assert HybridRetriever([a, c]).fingerprint() != base
    assert HybridRetriever([b, a]).fingerprint() != base
    assert HybridRetriever([a, b], fusion=Fusion(rrf_k=10)).fingerprint() != base
    assert HybridRetriever([a, b], depth=50).fingerprint() != base
    assert HybridRetriever([a, b]).describe()["parts"] == [{"kind": "fixed", "name": "a"}, {"kind": "fixed", "name": "b"}]


def test_hybrid_finds_what_either_part_finds(make_exact, make_bm25):
    """The keyword space misses 'seconds'; BM25 finds it; the fused list still has it."""
    query = [Query("q", "how many seconds")]
    assert make_exact().retrieve(query, k=1)["q"][0].score == 0.0
    assert make_bm25().retrieve(query, k=1)["q"][0].doc_id == "router"
    for fusion in (Fusion(), Fusion(method="weighted", normalization="zscore")):
        assert HybridRetriever([make_exact(), make_bm25()], fusion=fusion).retrieve(query, k=1)["q"][0].doc_id == "router"


def test_bad_shapes():
    with pytest.raises(ConfigError, match="at least two systems"):
        HybridRetriever([Fixed("a", [])])
    with pytest.raises(ConfigError, match="3 weights for 2 systems"):
        HybridRetriever([Fixed("a", []), Fixed("b", [])], fusion=Fusion(weights=(1, 1, 1)))
    with pytest.raises(ConfigError, match="depth must be >= 1"):
        HybridRetriever([Fixed("a", []), Fixed("b", [])], depth=0)


def test_contract_queries_have_hits_from_both_parts(make_exact, make_bm25):
    out = HybridRetriever([make_exact(), make_bm25()]).retrieve(list(CONTRACT_QUERIES), k=3)
    assert [h.doc_id for h in out["q-password"]][:2] == ["pw", "router"]
