"""Turn the config's ``[engine]`` section into an ``EmbeddingEngine`` for one configured embedder."""

from __future__ import annotations

from rich.console import Console

from ragshift.harness.cache import CachedEmbedder
from ragshift.harness.config import EmbedderConfig, RunConfig
from ragshift.harness.protocols import Embedder, EmbeddingEngine, document_fingerprint
from ragshift.harness.shipping.reindex import LocalEngine


def build_engine(config: RunConfig, spec: EmbedderConfig, embedder: Embedder, *, console: Console | None = None) -> EmbeddingEngine:
    """``kind = "ray"``: a Ray actor pool building ``spec`` in each actor; ``"local"``: this process,
    or sentence-transformers' multi-process pool when ``processes`` > 1 (other kinds: this process)."""
    settings = config.engine
    if settings.kind == "ray":
        from ragshift.adapters.engines.ray_engine import RayEngine
        from ragshift.adapters.engines.recipe import EmbedderRecipe

        return RayEngine(EmbedderRecipe(config, spec.name), settings, fingerprint=document_fingerprint(embedder))
    model = embedder.inner if isinstance(embedder, CachedEmbedder) else embedder
    if settings.processes > 1:
        from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

        if isinstance(model, SentenceTransformerEmbedder) and model.backend == "torch":
            from ragshift.adapters.engines.st_pool import PoolEngine

            return PoolEngine(model, settings.processes)
        if console is not None:
            console.print(f"[yellow]note[/]: [engine] processes applies to sentence-transformers models on PyTorch; {spec.name} embeds in this process")
    return LocalEngine(model)
