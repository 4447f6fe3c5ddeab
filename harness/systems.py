"""Composition root: a configured embedder → cached embedder, chunker, vector store and index, retriever."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from rich.console import Console

from harness import stages
from harness.cache import CachedEmbedder, EmbeddingCache
from harness.config import EmbedderConfig, RunConfig, StoreSection
from harness.corpus import Corpus
from harness.embedders import build_adapter, build_recorded, uncached_embedder  # noqa: F401  (the composition root's face)
from harness.indexing import build_index
from harness.protocols import Chunker, Embedder, Retriever, VectorStore
from harness.retrieval import IndexRetriever


@dataclass
class System:
    """Everything needed to answer queries of one corpus with one embedder, plus how it was built."""

    name: str
    embedder: CachedEmbedder
    chunker: Chunker
    retriever: Retriever
    index_info: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    reopen: Callable[[Embedder], Retriever] | None = None
    """A retriever over the same index that encodes queries with another instance of this embedder."""
    collections: Callable[[], set[str]] | None = None
    """Names of the collections in the store now (the baseline's must be kept to roll back to it)."""

    def describe(self) -> dict[str, Any]:
        return {
            "fingerprint": self.embedder.fingerprint(),
            "embedder": dict(self.embedder.describe()),
            "chunker": self.chunker.fingerprint(),
        }


def build_chunker(config: RunConfig) -> Chunker:
    if config.chunking.strategy == "none":
        from harness.chunking import WholeDocumentChunker

        return WholeDocumentChunker()
    from adapters.chunkers.llamaindex import SentenceSplitterChunker

    return SentenceSplitterChunker(size=config.chunking.size, overlap=config.chunking.overlap)


def load_embedder(config: RunConfig, spec: EmbedderConfig, *, console: Console) -> CachedEmbedder:
    """The configured adapter behind the on-disk embedding cache (the model itself loads lazily)."""
    cache = EmbeddingCache(Path(config.cache.path) / "embeddings.sqlite")
    embedder = CachedEmbedder(build_adapter(config, spec, cache), cache)
    what = spec.model if spec.kind in ("sentence-transformers", "openai", "bridged") else ""
    console.print(f"embedder [bold]{spec.name}[/]: {spec.kind} {what} [dim](fingerprint {embedder.fingerprint()})[/]")
    return embedder


def open_store(section: StoreSection) -> VectorStore:
    """The store a ``[store]`` section names: Chroma in a folder or on a server (a token is read from
    ``$token_env`` now). Every config-driven open goes through here."""
    from adapters.stores.chroma import ChromaStore

    return ChromaStore.from_section(section)


def build_system(
    config: RunConfig, spec: EmbedderConfig, embedder: CachedEmbedder, corpus: Corpus, *, console: Console,
    wait: float = 0.0,
) -> System:
    """Embed the corpus (or reuse the cached vectors and the collection) and open the retriever.

    A collection that is missing or incomplete is written under the store's write lock (the one
    ``reindex`` holds), waiting up to ``wait`` seconds; a complete one is read without it. The model
    work runs on the configured ``[engine]`` (this process, a process pool, or Ray)."""
    from adapters.engines.factory import build_engine

    chunker = build_chunker(config)
    store = open_store(config.store)
    t0 = time.perf_counter()
    hits_before, misses_before = embedder.hits, embedder.misses
    stages.enter(f"indexing {corpus.name} with {spec.name}", stages.INDEXING)
    engine = build_engine(config, spec, embedder, console=console)
    index, stats = build_index(
        corpus, chunker=chunker, embedder=embedder, store=store, console=console,
        lock=lambda name: store.write_lock(name, wait=wait, what=f"eval {spec.name}: {name}"),
        batch_size=config.engine.batch_size, engine=engine,
    )
    timings = {"index": time.perf_counter() - t0}
    retriever = IndexRetriever(index, embedder, fanout=config.store.fanout)
    info = {**stats, "cache_hits": embedder.hits - hits_before, "cache_misses": embedder.misses - misses_before}
    return System(
        spec.name, embedder, chunker, retriever, info, timings,
        reopen=lambda other: IndexRetriever(index, other, fanout=config.store.fanout),
        collections=lambda: set(store.collections()),
    )
