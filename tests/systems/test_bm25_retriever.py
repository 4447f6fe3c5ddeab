"""BM25Retriever (bm25s + PyStemmer): contract, best chunk per document, settings, LlamaIndex agreement."""

from __future__ import annotations

import pytest

from ragshift.adapters.retrievers.bm25 import BM25Retriever, BM25Settings
from ragshift.harness.errors import ConfigError
from ragshift.harness.testing.retriever_contract import CONTRACT_DOCUMENTS, CONTRACT_QUERIES, RetrieverContract
from ragshift.harness.types import Chunk, Query


class TestBM25Contract(RetrieverContract):
    @pytest.fixture
    def make_retriever(self):
        return lambda documents=CONTRACT_DOCUMENTS: BM25Retriever.from_documents(documents)


class TestBM25OverChunksContract(RetrieverContract):
    """Each contract document split into two chunks: documents still come back once, as their best chunk."""

    @pytest.fixture
    def make_retriever(self):
        def make(documents=CONTRACT_DOCUMENTS):
            chunks = []
            for d in documents:
                words = d.full_text.split()
                half = len(words) // 2
                chunks += [Chunk(f"{d.doc_id}#0", d.doc_id, " ".join(words[:half]), 0),
                           Chunk(f"{d.doc_id}#1", d.doc_id, " ".join(words[half:]), 1)]
            return BM25Retriever(chunks, BM25Settings(fanout=1))

        return make


CHUNKS = [
    Chunk("a#0", "a", "apples and pears", 0),
    Chunk("a#1", "a", "apples apples apples", 1),
    Chunk("b#0", "b", "apples in a pie", 0),
    Chunk("c#0", "c", "bananas only", 0),
    Chunk("d#0", "d", "cherries only", 0),
]


def test_a_document_scores_as_its_best_chunk_and_fanout_doubles_until_k_documents():
    retriever = BM25Retriever(CHUNKS, BM25Settings(fanout=1))
    hits = retriever.retrieve([Query("q", "apples")], k=2)["q"]
    # top-2 chunks are both document a: the retriever fetches more until it has two documents
    assert [(h.doc_id, h.chunk_id) for h in hits] == [("a", "a#1"), ("b", "b#0")]
    assert hits[0].text == "apples apples apples"


def test_only_documents_sharing_a_term_come_back():
    retriever = BM25Retriever(CHUNKS)
    out = retriever.retrieve([Query("q1", "apples"), Query("q2", "the and of"), Query("q3", "durian")], k=10)
    assert [h.doc_id for h in out["q1"]] == ["a", "b"]
    assert out["q2"] == [] and out["q3"] == []  # only stopwords / no known term


def test_stemming_and_stopwords():
    docs = BM25Retriever(CHUNKS).retrieve([Query("q", "the apple")], k=3)["q"]
    assert [h.doc_id for h in docs] == ["a", "b"]  # "apple" matches "apples" through the stemmer
    unstemmed = BM25Retriever(CHUNKS, BM25Settings(stemmer="none")).retrieve([Query("q", "the apple")], k=3)["q"]
    assert unstemmed == []


def test_fingerprint_covers_settings_and_chunks():
    base = BM25Retriever(CHUNKS).fingerprint()
    assert BM25Retriever(list(CHUNKS)).fingerprint() == base
    for settings in (BM25Settings(k1=1.2), BM25Settings(b=0.5), BM25Settings(method="robertson"),
                     BM25Settings(stopwords="none"), BM25Settings(stemmer="porter")):
        assert BM25Retriever(CHUNKS, settings).fingerprint() != base
    moved = [Chunk(c.chunk_id, "z" if c.doc_id == "d" else c.doc_id, c.text, c.position) for c in CHUNKS]
    assert BM25Retriever(moved).fingerprint() != base
    described = BM25Retriever(CHUNKS).describe()
    assert described["chunks"] == 5 and described["documents"] == 4 and described["bm25s"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "tfidf"}, "bm25 method 'tfidf' is not one of"),
        ({"k1": -1.0}, "k1 >= 0"),
        ({"b": 1.5}, "0 <= b <= 1"),
        ({"fanout": 0}, "fanout must be >= 1"),
    ],
)
def test_bad_settings(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        BM25Settings(**kwargs)


def test_unknown_stemmer_and_empty_corpus():
    with pytest.raises(ConfigError, match="unknown stemmer 'klingon'.*english"):
        BM25Retriever(CHUNKS, BM25Settings(stemmer="klingon"))
    with pytest.raises(ConfigError, match="at least one chunk"):
        BM25Retriever([])


def test_llamaindex_retriever_serves_the_same_index_and_agrees():
    from llama_index.core import QueryBundle

    retriever = BM25Retriever.from_documents(CONTRACT_DOCUMENTS)
    llama = retriever.as_llama_index(similarity_top_k=len(CONTRACT_DOCUMENTS))
    assert llama.bm25 is retriever._bm25
    mine = retriever.retrieve(list(CONTRACT_QUERIES), k=len(CONTRACT_DOCUMENTS))
    for query in CONTRACT_QUERIES:
        nodes = [n for n in llama.retrieve(QueryBundle(query.text)) if n.score > 0]
        assert {n.node.ref_doc_id: pytest.approx(n.score) for n in nodes} == {h.doc_id: h.score for h in mine[query.qid]}
        assert [n.node.node_id for n in nodes] == [h.chunk_id for h in mine[query.qid]]
        assert all(n.node.metadata["doc_id"] == n.node.ref_doc_id for n in nodes)


def test_llamaindex_path_refuses_non_english_stopwords():
    with pytest.raises(ConfigError, match="English stopwords"):
        BM25Retriever(CHUNKS, BM25Settings(stopwords="de")).as_llama_index()
