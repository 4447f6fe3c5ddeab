"""Turn the config's ``[engine]`` section into an ``EmbeddingEngine`` for one configured embedder."""

from __future__ import annotations

from rich.console import Console

from harness.cache import CachedEmbedder
from harness.config import EmbedderConfig, RunConfig
from harness.protocols import Embedder, EmbeddingEngine, document_fingerprint
from harness.shipping.reindex import LocalEngine


def build_engine(config: RunConfig, spec: EmbedderConfig, embedder: Embedder, *, console: Console | None = None) -> EmbeddingEngine:
    """``kind = "ray"``: a Ray actor pool building ``spec`` in each actor; ``"local"``: this process,
    or sentence-transformers' multi-process pool when ``processes`` > 1 (other kinds: this process)."""
    settings = config.engine
    if settings.kind == "ray":
        from adapters.engines.ray_engine import RayEngine
        from adapters.engines.recipe import EmbedderRecipe

        return RayEngine(EmbedderRecipe(config, spec.name), settings, fingerprint=document_fingerprint(embedder))
    model = embedder.inner if isinstance(embedder, CachedEmbedder) else embedder
    if settings.processes > 1:
        from adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

        if isinstance(model, SentenceTransformerEmbedder):
            from adapters.engines.st_pool import PoolEngine

            return PoolEngine(model, settings.processes)
        if console is not None:
            console.print(f"[yellow]note[/]: [engine] processes applies to sentence-transformers models; {spec.name} embeds in this process")
    return LocalEngine(model)
