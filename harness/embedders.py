"""The adapter a configured embedder names (the composition root's embedder half): the factory's kinds,
plus the kinds that wrap other embedders (the fake ``testing.degraded`` wraps the entry its ``of``
names; ``bridged`` rebuilds the two models its bridge folder records). Callers: the composition root (``ragshift.harness.systems``), workers building their
own replica (``ragshift.adapters.engines.recipe``), promote and the plug-in retriever."""

from __future__ import annotations

from typing import Any, Mapping

from ragshift.harness.cache import CachedEmbedder, EmbeddingCache
from ragshift.harness.config import EmbedderConfig, RunConfig
from ragshift.harness.errors import RagshiftError
from ragshift.harness.kinds import DEGRADED
from ragshift.harness.protocols import Embedder


def build_adapter(config: RunConfig, spec: EmbedderConfig, cache: EmbeddingCache | None = None) -> Embedder:
    """The adapter ``spec`` names. ``kind = "testing.degraded"`` wraps the embedder its ``of`` names, served from
    ``cache`` when given (so the noise is added to cached vectors rather than to a fresh encode);
    ``kind = "bridged"`` opens a bridge folder, rebuilding both models it records."""
    from ragshift.adapters.embedders.factory import build_embedder

    options = spec.adapter_options()
    if spec.kind == "bridged":
        from ragshift.harness.bridge.embedder import load_bridge

        return load_bridge(options["model"], build=build_recorded)
    if spec.kind == DEGRADED:
        inner = build_adapter(config, config.embedder(options.pop("of")), cache)
        options["inner"] = inner if cache is None else CachedEmbedder(inner, cache)
    return build_embedder(spec.kind, **options)


def build_recorded(record: Mapping[str, Any]) -> Embedder:
    """A fresh embedder (no cache) from a recorded ``[[embedders]]`` table, as a bridge folder keeps them
    (a ``testing.degraded`` record holds the record it degrades under ``of``)."""
    record = dict(record)
    if record.get("kind") == DEGRADED:
        from ragshift.harness.testing.degraded import NoisyEmbedder

        return NoisyEmbedder(build_recorded(record["of"]), noise=float(record["noise"]))
    try:
        spec = EmbedderConfig.model_validate(record)
    except ValueError as exc:
        raise RagshiftError(f"bridge folder records an embedder this version cannot rebuild: {exc}") from None
    return from_spec(spec)


def from_spec(spec: EmbedderConfig) -> Embedder:
    """The factory's adapter for one plain (non-wrapping) embedder config, uncached."""
    from ragshift.adapters.embedders.factory import build_embedder

    return build_embedder(spec.kind, **spec.adapter_options())


def uncached_embedder(config: RunConfig, spec: EmbedderConfig) -> Embedder:
    """A fresh instance of the configured adapter with no embedding cache anywhere (a degraded one's
    inner embedder included): what cost measurements time, so every call is real model work."""
    return build_adapter(config, spec)
