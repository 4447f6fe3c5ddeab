import chromadb.api.types
import numpy as np
import pytest

from ragshift.adapters.chunkers.llamaindex import SentenceSplitterChunker
from ragshift.harness.chunking import WholeDocumentChunker
from ragshift.harness.errors import FingerprintMismatch
from ragshift.harness.indexing import build_index
from ragshift.harness.retrieval import IndexRetriever
from ragshift.harness.testing.embedders import KeywordEmbedder
from ragshift.harness.testing.stores import ExactIndex
from ragshift.harness.types import Chunk


def brute_force_documents(corpus, chunker, embedder, k):
    """Reference ranking: exact cosine over all chunks, each document scored by its best chunk."""
    chunks = chunker.chunk(list(corpus.documents.values()))
    exact = ExactIndex()
    exact.add(chunks, embedder.embed_documents([c.text for c in chunks]), fingerprint=embedder.fingerprint())
    queries = list(corpus.queries.values())
    results = {}
    for q, hits in zip(queries, exact.query(embedder.embed_queries([q.text for q in queries]), k=len(chunks), fingerprint=embedder.fingerprint())):
        best = {}
        for h in hits:
            best.setdefault(h.doc_id, h.score)
        results[q.qid] = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return results


@pytest.mark.parametrize("fanout", [1, 3])
def test_ranks_like_brute_force_cosine(corpus, chunker, embedder, store, fanout):
    index, _ = build_index(corpus, chunker=chunker, embedder=embedder, store=store)
    retriever = IndexRetriever(index, embedder, fanout=fanout)
    got = retriever.retrieve(list(corpus.queries.values()), k=3)
    expected = brute_force_documents(corpus, chunker, embedder.inner, k=3)
    for qid, ranking in expected.items():
        assert [h.doc_id for h in got[qid]] == [d for d, _ in ranking], qid
        assert [h.score for h in got[qid]] == pytest.approx([s for _, s in ranking], abs=1e-5)


def test_hits_name_their_best_chunk(corpus, embedder, store):
    chunker = SentenceSplitterChunker(24, 4)
    index, _ = build_index(corpus, chunker=chunker, embedder=embedder, store=store)
    texts = {c.chunk_id: c.text for c in chunker.chunk(list(corpus.documents.values()))}
    hits = IndexRetriever(index, embedder).retrieve(list(corpus.queries.values()), k=6)
    for hit in (h for hs in hits.values() for h in hs):
        assert hit.chunk_id.startswith(hit.doc_id + "#")
        assert hit.text == texts[hit.chunk_id]


def test_queries_are_embedded_once_as_a_batch(corpus, embedder, store):
    index, _ = build_index(corpus, chunker=WholeDocumentChunker(), embedder=embedder, store=store)
    embedder.calls.clear()
    queries = list(corpus.queries.values())
    IndexRetriever(index, embedder).retrieve(queries, k=2)
    assert embedder.calls == [("q", tuple(q.text for q in queries))]


def test_second_build_reuses_the_collection_and_embeds_nothing(corpus, chunker, embedder, store):
    index, first = build_index(corpus, chunker=chunker, embedder=embedder, store=store, batch_size=4)
    n_chunks = len(chunker.chunk(list(corpus.documents.values())))
    assert (first["reused"], first["added"], first["chunks"], index.count()) == (False, n_chunks, n_chunks, n_chunks)
    assert embedder.embedded == n_chunks
    again, second = build_index(corpus, chunker=chunker, embedder=embedder, store=store)
    assert (second["reused"], second["added"], second["collection"]) == (True, 0, index.name)
    assert again.name == index.name and embedder.embedded == n_chunks


def test_interrupted_build_is_completed_and_stale_chunks_dropped(corpus, chunker, embedder, store):
    index, _ = build_index(corpus, chunker=chunker, embedder=embedder, store=store)
    wanted = index.ids()
    index.remove(sorted(wanted)[:2])
    index.add([Chunk("ghost#0", "ghost", "cat")], embedder.embed_documents(["cat"]), fingerprint=embedder.fingerprint())
    embedder.calls.clear()
    again, stats = build_index(corpus, chunker=chunker, embedder=embedder, store=store)
    assert (stats["reused"], stats["added"], embedder.embedded) == (False, 2, 2)
    assert again.ids() == wanted


def test_collection_name_changes_with_each_fingerprint(corpus, chunker, embedder, store):
    names = {build_index(corpus, chunker=chunker, embedder=embedder, store=store)[0].name}
    other = KeywordEmbedder(embedder.inner.vocabulary[:-1])
    names.add(build_index(corpus, chunker=chunker, embedder=other, store=store)[0].name)
    smaller = type(corpus)("tiny", dict(list(corpus.documents.items())[:3]))
    names.add(build_index(smaller, chunker=chunker, embedder=embedder, store=store)[0].name)
    assert len(names) == 3


def test_index_of_another_embedder_is_refused(corpus, embedder, store):
    index, _ = build_index(corpus, chunker=WholeDocumentChunker(), embedder=embedder, store=store)
    other = KeywordEmbedder(embedder.inner.vocabulary, query_prompt="query: ")
    with pytest.raises(FingerprintMismatch, match=f"{other.fingerprint()}.*holds vectors of embedder .{embedder.fingerprint()}"):
        IndexRetriever(index, other)
    with pytest.raises(FingerprintMismatch):
        store.create(index.name, embedder_fingerprint=other.fingerprint(), dimension=other.dimension, tags={})


def test_chroma_default_embedding_function_is_never_invoked(corpus, chunker, embedder, store, monkeypatch):
    calls = []
    monkeypatch.setattr(chromadb.api.types.DefaultEmbeddingFunction, "__call__", lambda self, input: calls.append(input))
    index, _ = build_index(corpus, chunker=chunker, embedder=embedder, store=store)
    IndexRetriever(index, embedder).retrieve(list(corpus.queries.values()), k=2)
    assert calls == []


def test_empty_inputs(corpus, embedder, store):
    empty = type(corpus)("empty", {})
    index, _ = build_index(empty, chunker=WholeDocumentChunker(), embedder=embedder, store=store)
    retriever = IndexRetriever(index, embedder)
    assert retriever.retrieve([], k=3) == {}
    assert retriever.retrieve(list(corpus.queries.values())[:1], k=3) == {"q1": []}


def test_only_queries_short_of_k_documents_are_asked_again_with_twice_the_depth(corpus, embedder):
    from ragshift.harness.testing.stores import MemoryStore

    chunker = SentenceSplitterChunker(24, 4)  # 17 chunks; the long document's many chunks crowd out others
    index, _ = build_index(corpus, chunker=chunker, embedder=embedder, store=MemoryStore())
    asked = []
    query = index.query
    index.query = lambda vectors, *, k, fingerprint: asked.append((len(vectors), k)) or query(vectors, k=k, fingerprint=fingerprint)
    queries = list(corpus.queries.values())
    got = IndexRetriever(index, embedder, fanout=1).retrieve(queries, k=2)
    assert asked == [(5, 2), (1, 4), (1, 8), (1, 16)]  # one query needed 16 chunks to reach 2 documents
    assert all(len(hits) == 2 for hits in got.values())
    assert got == IndexRetriever(index, embedder, fanout=100).retrieve(queries, k=2)
