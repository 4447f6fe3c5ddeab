"""Composition root: a configured embedder → cached embedder, chunker, Chroma index, LlamaIndex retriever."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from rich.console import Console

from harness.cache import CachedEmbedder, EmbeddingCache
from harness.config import EmbedderConfig, RunConfig
from harness.corpus import Corpus
from harness.protocols import Chunker, Embedder, Retriever


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
    what = spec.model if spec.kind in ("sentence-transformers", "openai") else ""
    console.print(f"embedder [bold]{spec.name}[/]: {spec.kind} {what} [dim](fingerprint {embedder.fingerprint()})[/]")
    return embedder


def build_adapter(config: RunConfig, spec: EmbedderConfig, cache: EmbeddingCache | None = None) -> Embedder:
    """The adapter ``spec`` names. ``kind = "degraded"`` wraps the embedder its ``of`` names, served from
    ``cache`` when given (so the noise is added to cached vectors rather than to a fresh encode)."""
    from adapters.embedders.factory import build_embedder

    options = spec.adapter_options()
    if spec.kind == "degraded":
        inner = build_adapter(config, config.embedder(options.pop("of")), cache)
        options["inner"] = inner if cache is None else CachedEmbedder(inner, cache)
    return build_embedder(spec.kind, **options)


def uncached_embedder(config: RunConfig, spec: EmbedderConfig) -> Embedder:
    """A fresh instance of the configured adapter with no embedding cache anywhere (a degraded one's
    inner embedder included): what cost measurements time, so every call is real model work."""
    return build_adapter(config, spec)


def build_system(
    config: RunConfig, spec: EmbedderConfig, embedder: CachedEmbedder, corpus: Corpus, *, console: Console
) -> System:
    """Embed the corpus (or reuse the cached vectors and the collection) and open the retriever."""
    from adapters.engines.factory import build_engine
    from adapters.llamaindex.pipeline import LlamaIndexRetriever, build_index
    from adapters.stores.chroma import ChromaStore

    chunker = build_chunker(config)
    store = ChromaStore.from_section(config.store)
    t0 = time.perf_counter()
    hits_before, misses_before = embedder.hits, embedder.misses
    engine = build_engine(config, spec, embedder, console=console)
    index, stats = build_index(
        corpus, chunker=chunker, embedder=embedder, store=store, console=console,
        batch_size=config.engine.batch_size, engine=engine,
    )
    timings = {"index": time.perf_counter() - t0}
    retriever = LlamaIndexRetriever(index, embedder, fanout=config.store.fanout)
    info = {**stats, "cache_hits": embedder.hits - hits_before, "cache_misses": embedder.misses - misses_before}
    return System(
        spec.name, embedder, chunker, retriever, info, timings,
        reopen=lambda other: LlamaIndexRetriever(index, other, fanout=config.store.fanout),
        collections=lambda: {c.name for c in store.client.list_collections()},
    )
