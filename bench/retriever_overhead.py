"""Retrieval overhead of the LlamaIndex plug-in retriever against a raw Chroma query.

Builds a Chroma collection of the bundled ACME corpus with the packaged all-MiniLM-L6-v2 (vectors
from the shared embedding cache, so only the first run encodes), then times per query, with query
embeddings computed beforehand (encoding excluded from every path):

- ``chroma``: ``collection.query(query_embeddings=..., n_results=k)`` (what any Chroma app pays);
- ``plug-in``: ``RagshiftRetriever.retrieve(query)`` (NodeWithScore out, LlamaIndex instrumentation in);
- ``as_retriever``: LlamaIndex's own ``VectorStoreIndex(ChromaVectorStore).as_retriever()`` for reference;

and, separately, the MiniLM query encode that a live query adds to any of them.

    .venv/bin/python bench/retriever_overhead.py [--rounds 5] [--top-k 5]

Writes ``bench/out/retriever_overhead.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from typing import Any, Callable, Mapping, Sequence

from benchenv import REPO

import numpy as np  # noqa: E402


class Precomputed:
    """The evaluated embedder's fingerprint and vectors, served from a dict (no encoding in the timed path)."""

    def __init__(self, inner: Any, vectors: Mapping[str, np.ndarray]) -> None:
        self.inner = inner
        self.vectors = vectors

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.vectors[t] for t in texts])

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("the benchmark never embeds documents")

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def describe(self) -> Mapping[str, Any]:
        return self.inner.describe()


def per_query_ms(run: Callable[[str], Any], texts: Sequence[str], rounds: int) -> list[float]:
    """Best-of-``rounds`` wall time per query (after one warm-up pass), in milliseconds."""
    for text in texts:
        run(text)
    best = [float("inf")] * len(texts)
    for _ in range(rounds):
        for i, text in enumerate(texts):
            start = time.perf_counter()
            run(text)
            best[i] = min(best[i], (time.perf_counter() - start) * 1000)
    return best


def summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {
        "mean_ms": statistics.fmean(ms),
        "p50_ms": ordered[len(ordered) // 2],
        "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--top-k", type=int, default=5)
    args = parser.parse_args()

    from llama_index.core import QueryBundle, VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from ragshift.adapters.chunkers.llamaindex import SentenceSplitterChunker
    from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
    from ragshift.adapters.llamaindex.embedding import RagshiftEmbedding
    from ragshift.adapters.llamaindex.retriever import RagshiftRetriever
    from ragshift.adapters.stores.chroma import ChromaStore
    from ragshift.harness.cache import CachedEmbedder, EmbeddingCache
    from ragshift.harness.corpus import load_corpus
    from ragshift.harness.indexing import build_index

    corpus = load_corpus(REPO / "corpora" / "acme-kb")
    texts = [q.text for q in corpus.select("test")]
    model = SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    cached = CachedEmbedder(model, EmbeddingCache(REPO / ".ragshift" / "cache" / "embeddings.sqlite"))
    vectors = dict(zip(texts, cached.embed_queries(texts)))
    embedder = Precomputed(cached, vectors)
    with tempfile.TemporaryDirectory() as folder:
        store = ChromaStore(folder)
        index, stats = build_index(corpus, chunker=SentenceSplitterChunker(256, 32), embedder=cached, store=store)
        k = args.top_k
        plug_in = RagshiftRetriever(index, embedder, similarity_top_k=k)
        llama = VectorStoreIndex.from_vector_store(
            ChromaVectorStore(chroma_collection=index.collection), embed_model=RagshiftEmbedding(embedder)
        ).as_retriever(similarity_top_k=k)
        collection = index.collection
        include = ["documents", "metadatas", "distances"]
        paths = {
            "chroma": lambda t: collection.query(query_embeddings=vectors[t][None, :], n_results=k, include=include),
            "plug-in": lambda t: plug_in.retrieve(QueryBundle(t)),
            "as_retriever": lambda t: llama.retrieve(QueryBundle(t)),
        }
        timings = {name: summary(per_query_ms(run, texts, args.rounds)) for name, run in paths.items()}
        encode = summary(per_query_ms(lambda t: model.embed_queries([t]), texts[:50], 1))
    overhead = timings["plug-in"]["mean_ms"] - timings["chroma"]["mean_ms"]
    result = {
        "corpus": corpus.name, "chunks": stats["chunks"], "queries": len(texts), "top_k": k, "rounds": args.rounds,
        "timings": timings, "minilm_query_encode": encode, "plug_in_overhead_ms": overhead,
    }
    print(f"{corpus.name}: {stats['chunks']} chunks, {len(texts)} queries, top {k}, best of {args.rounds} rounds")
    print(f"{'path':<14}{'mean ms':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for name, t in [*timings.items(), ("minilm encode", encode)]:
        print(f"{name:<14}{t['mean_ms']:>9.3f}{t['p50_ms']:>9.3f}{t['p95_ms']:>9.3f}")
    print(f"plug-in overhead over a raw Chroma query: {overhead:.3f} ms/query")
    out = REPO / "bench" / "out" / "retriever_overhead.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
