"""A picklable description of an embedder that a worker builds for itself (never a pickled model)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from ragshift.harness.config import RunConfig
from ragshift.harness.protocols import Embedder


@dataclass(frozen=True)
class EmbedderRecipe:
    """The ``[[embedders]]`` entry ``name`` of ``config``, built through the embedder factory."""

    config: RunConfig
    name: str

    def build(self, *, device: str | None = None) -> Embedder:
        """A fresh, uncached instance; ``device`` ("cuda", "cpu") where the adapter takes one."""
        from ragshift.adapters.embedders.factory import build_embedder, builder
        from ragshift.harness.embedders import build_adapter

        spec = self.config.embedder(self.name)
        if device is None or spec.kind == "bridged" or "device" not in inspect.signature(builder(spec.kind)).parameters:
            return build_adapter(self.config, spec)
        return build_embedder(spec.kind, **spec.adapter_options(), device=device)
