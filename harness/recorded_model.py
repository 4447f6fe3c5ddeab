"""The embedder config a serving collection records in its tags, so an alias opens without knowing the model.

``ragshift reindex`` writes it (``model_tag``); ``promote``, ``shadow --alias``, ``status`` and
``RagshiftRetriever.from_alias`` read it back (``spec_of``, ``recorded_embedder``).
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from ragshift.harness.config import EmbedderConfig
from ragshift.harness.errors import ConfigError
from ragshift.harness.kinds import DEGRADED
from ragshift.harness.protocols import Embedder

MODEL = "ragshift:model"


def model_tag(spec: EmbedderConfig) -> str:
    """The embedder's config as JSON (never a secret: ``api_key_env`` is a variable name)."""
    return json.dumps(spec.model_dump(mode="json", exclude_defaults=True), sort_keys=True)


def spec_of(tags: Mapping[str, Any]) -> EmbedderConfig:
    """The embedder config recorded in a serving collection's tags."""
    raw = tags.get(MODEL)
    if not raw:
        raise ConfigError("this collection records no embedder config (not written by `ragshift reindex`)")
    return EmbedderConfig.model_validate(json.loads(raw))


def recorded_embedder(tags: Mapping[str, Any]) -> Embedder:
    """Build the embedder a serving collection records (not cached; the model loads lazily)."""
    from ragshift.harness.embedders import from_spec

    spec = spec_of(tags)
    if spec.kind == DEGRADED:
        raise ConfigError("a testing.degraded embedder wraps another config entry: pass the embedder explicitly")
    return from_spec(spec)
