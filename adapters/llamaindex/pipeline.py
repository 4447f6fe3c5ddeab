"""Build a Chroma index from a corpus once, and retrieve from it through LlamaIndex like an app would."""

from __future__ import annotations

import math
from time import perf_counter
from typing import Any, Sequence

import numpy as np
from llama_index.core import QueryBundle, VectorStoreIndex
from llama_index.core.schema import NodeWithScore
from llama_index.vector_stores.chroma import ChromaVectorStore
from rich.console import Console

from adapters.llamaindex.embedding import RagshiftEmbedding
from adapters.stores.chroma import ChromaIndex, ChromaStore
from harness.corpus.model import Corpus
from harness.errors import ConfigError
from harness.naming import collection_name
from harness.protocols import Chunker, Embedder, EmbeddingEngine, document_fingerprint
from harness.shipping.reindex import embed_into
from harness.types import Hit, Query


def build_index(
    corpus: Corpus,
    *,
    chunker: Chunker,
    embedder: Embedder,
    store: ChromaStore,
    console: Console | None = None,
    batch_size: int = 64,
    engine: EmbeddingEngine | None = None,
) -> tuple[ChromaIndex, dict[str, Any]]:
    """Open the collection named by the three fingerprints; embed and upsert only missing chunks.

    A complete collection is reused without embedding anything; an interrupted one is completed.
    Returns the index and stats: collection, chunks, reused, added, seconds. ``engine`` runs the
    model work (default: this process), through the same loop as ``ragshift reindex``.
    """
    start = perf_counter()
    corpus_fp, chunker_fp, embedder_fp = corpus.documents_fingerprint, chunker.fingerprint(), document_fingerprint(embedder)
    index = store.open_index(
        collection_name(corpus_fp, chunker_fp, embedder_fp),
        embedder_fingerprint=embedder_fp,
        dimension=embedder.dimension,
        metadata={"ragshift:corpus": corpus_fp, "ragshift:chunker": chunker_fp},
    )
    chunks = chunker.chunk(list(corpus.documents.values()))
    present = index.ids()
    wanted = {c.chunk_id for c in chunks}
    missing = [c for c in chunks if c.chunk_id not in present]
    if stale := sorted(present - wanted):
        index.remove(stale)
    if missing:
        embed_into(index, missing, embedder, engine=engine, batch_size=batch_size, console=console)
    stats = {
        "collection": index.name,
        "chunks": len(chunks),
        "reused": present == wanted,
        "added": len(missing),
        "seconds": perf_counter() - start,
    }
    return index, stats


def _cosine(node: NodeWithScore) -> float:
    # llama-index-vector-stores-chroma reports exp(-distance); Chroma's cosine distance is 1 - cos.
    return 1.0 + math.log(node.score)


def _best_chunk_per_doc(nodes: Sequence[NodeWithScore]) -> list[Hit]:
    best: dict[str, Hit] = {}
    for node in nodes:
        doc_id = node.node.metadata.get("doc_id") or node.node.ref_doc_id
        hit = Hit(doc_id=doc_id, score=_cosine(node), chunk_id=node.node.node_id, text=node.node.get_content())
        if doc_id not in best or hit.score > best[doc_id].score:
            best[doc_id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.doc_id))


class LlamaIndexRetriever:
    """Retriever over a built Chroma index using LlamaIndex's own ``VectorIndexRetriever``.

    Refuses an index built by another embedder. Queries are embedded once as a batch; LlamaIndex
    receives the vectors and does not re-embed. ``fanout`` chunks per wanted document are fetched,
    doubling until ``k`` distinct documents are found (or the index is exhausted).
    """

    def __init__(self, index: ChromaIndex, embedder: Embedder, *, fanout: int = 3) -> None:
        if fanout < 1:
            raise ConfigError(f"fanout must be >= 1, got {fanout}")
        self._fingerprint = document_fingerprint(embedder)
        index.require_embedder(self._fingerprint, "query")
        self._index = index
        self._embedder = embedder
        self._count = index.count
        self.fanout = fanout
        self.llama_index = VectorStoreIndex.from_vector_store(
            ChromaVectorStore(chroma_collection=index.collection), embed_model=RagshiftEmbedding(embedder)
        )

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]:
        if not queries:
            return {}
        self._index.require_embedder(self._fingerprint, "query")
        vectors = self._embedder.embed_queries([q.text for q in queries])
        total = self._count()
        return {q.qid: self._top_documents(q.text, v, k, total) for q, v in zip(queries, vectors)}

    def _top_documents(self, text: str, vector: np.ndarray, k: int, total: int) -> list[Hit]:
        n = min(total, k * self.fanout)
        bundle = QueryBundle(query_str=text, embedding=vector.tolist())
        while n > 0:
            docs = _best_chunk_per_doc(self.llama_index.as_retriever(similarity_top_k=n).retrieve(bundle))
            if len(docs) >= k or n >= total:
                return docs[:k]
            n = min(total, 2 * n)
        return []
