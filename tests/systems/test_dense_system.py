"""DenseRetriever: a vector-index retriever described as a system; the fake and the real LlamaIndex path."""

from __future__ import annotations

import pytest

from ragshift.adapters.retrievers.dense import DenseRetriever
from ragshift.harness.chunking import WholeDocumentChunker
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.testing.embedders import KeywordEmbedder
from ragshift.harness.testing.retriever_contract import CONTRACT_DOCUMENTS, CONTRACT_VOCABULARY, RetrieverContract


def _documents_fp(documents):
    return Corpus("contract", {d.doc_id: d for d in documents}).documents_fingerprint


class TestDenseOverExactContract(RetrieverContract):
    @pytest.fixture
    def make_retriever(self, make_exact):
        def make(documents=CONTRACT_DOCUMENTS):
            inner = make_exact(documents)
            return DenseRetriever(inner, inner.embedder, documents=_documents_fp(documents), chunker="whole")

        return make


class TestDenseOverChromaContract(RetrieverContract):
    """The real dense path: IndexRetriever over an embedded Chroma collection (keyword vectors)."""

    @pytest.fixture
    def make_retriever(self, tmp_path):
        from ragshift.harness.indexing import build_index
        from ragshift.harness.retrieval import IndexRetriever
        from ragshift.adapters.stores.chroma import ChromaStore

        store = ChromaStore(tmp_path / "chroma")

        def make(documents=CONTRACT_DOCUMENTS):
            corpus = Corpus("contract", {d.doc_id: d for d in documents})
            embedder, chunker = KeywordEmbedder(CONTRACT_VOCABULARY), WholeDocumentChunker()
            index, _ = build_index(corpus, chunker=chunker, embedder=embedder, store=store)
            return DenseRetriever(
                IndexRetriever(index, embedder), embedder,
                documents=corpus.documents_fingerprint, chunker=chunker.fingerprint(),
            )

        return make


def test_fingerprint_covers_embedder_documents_and_chunker(make_exact):
    inner = make_exact()
    base = DenseRetriever(inner, inner.embedder, documents="d", chunker="c")
    assert base.fingerprint() == DenseRetriever(inner, inner.embedder, documents="d", chunker="c").fingerprint()
    prompted = KeywordEmbedder(CONTRACT_VOCABULARY, query_prompt="reset ")
    others = [
        DenseRetriever(inner, prompted, documents="d", chunker="c"),
        DenseRetriever(inner, inner.embedder, documents="e", chunker="c"),
        DenseRetriever(inner, inner.embedder, documents="d", chunker="x"),
    ]
    assert len({base.fingerprint(), *(o.fingerprint() for o in others)}) == 4
    assert base.describe()["embedder"]["kind"] == "testing.keyword"
    assert stable_hash(base.fingerprint())  # a plain string
