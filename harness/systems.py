"""Composition root: one configured embedder → chunker, cached embedder, Chroma index, LlamaIndex retriever."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from harness.cache import CachedEmbedder, EmbeddingCache
from harness.config import EmbedderConfig, RunConfig
from harness.corpus import Corpus
from harness.protocols import Chunker, Embedder, Retriever


@dataclass
class System:
    """Everything needed to answer queries with one embedder, plus how it was built."""

    name: str
    embedder: Embedder
    chunker: Chunker
    retriever: Retriever
    index_info: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "fingerprint": self.embedder.fingerprint(),
            "embedder": dict(self.embedder.describe()),
            "chunker": self.chunker.fingerprint(),
            "index": self.index_info,
        }


def build_chunker(config: RunConfig) -> Chunker:
    if config.chunking.strategy == "none":
        from harness.chunking import WholeDocumentChunker

        return WholeDocumentChunker()
    from adapters.chunkers.llamaindex import SentenceSplitterChunker

    return SentenceSplitterChunker(size=config.chunking.size, overlap=config.chunking.overlap)


def build_embedder(spec: EmbedderConfig) -> Embedder:
    from adapters.embedders.factory import build_embedder as factory

    return factory(spec.kind, **spec.adapter_options())


def build_system(config: RunConfig, spec: EmbedderConfig, corpus: Corpus, *, console: Console) -> System:
    """Embed the corpus (or reuse the cached vectors and collection) and open the retriever."""
    from adapters.llamaindex.pipeline import LlamaIndexRetriever, build_index
    from adapters.stores.chroma import ChromaStore

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    cache = EmbeddingCache(Path(config.cache.path) / "embeddings.sqlite")
    embedder = CachedEmbedder(build_embedder(spec), cache)
    chunker = build_chunker(config)
    fingerprint = embedder.fingerprint()
    timings["load_embedder"] = time.perf_counter() - t0
    console.print(f"embedder [bold]{spec.name}[/]: {spec.kind} {spec.model} (fingerprint {fingerprint})")
    store = ChromaStore(path=config.store.path, host=config.store.host, port=config.store.port)
    t0 = time.perf_counter()
    index, stats = build_index(corpus, chunker=chunker, embedder=embedder, store=store, console=console)
    timings["index"] = time.perf_counter() - t0
    retriever = LlamaIndexRetriever(index, embedder, fanout=config.store.fanout)
    info = {**stats, "cache_hits": embedder.hits, "cache_misses": embedder.misses}
    return System(spec.name, embedder, chunker, retriever, info, timings)
