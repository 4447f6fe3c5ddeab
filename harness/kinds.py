"""The embedder kinds an ``[[embedders]]`` table may name, and the generator kinds of a ``generator``
table (``[answers.generator]``, ``[finetune.sources.generated.generator]``), declared once.

For each kind: the keys it uses besides ``name`` and ``kind`` (setting any other is a config error),
the keys it needs, and the adapter that builds it as ``"module:attr"`` (imported only when one is
built). ``ragshift.harness.config`` validates against this table and
``ragshift.adapters.embedders.factory`` builds from it (likewise ``ragshift.harness.answers.config`` and
``ragshift.adapters.generators.factory`` with ``GENERATOR_KINDS``). Embedder kinds under ``testing.`` are deterministic
fakes for tests and demos (a keyword one-hot embedder; another embedder plus seeded noise), not
embedders to ship. This module imports nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

TESTING = "testing."
"""Prefix of the fake kinds."""


@dataclass(frozen=True)
class Kind:
    options: tuple[str, ...]
    required: tuple[str, ...] = ()
    builder: str | None = None
    """``"module:attr"`` of the adapter; None for a kind the composition root builds itself (``bridged``)."""
    hint: str = ""
    """Said after ``needs <key>`` when a required key is missing."""


_PROMPTS = ("query_prompt", "document_prompt")
_ADAPTERS = "ragshift.adapters"

EMBEDDER_KINDS: dict[str, Kind] = {
    "sentence-transformers": Kind(
        ("model", *_PROMPTS, "normalize", "max_length", "batch_size", "backend"),
        builder=f"{_ADAPTERS}.embedders.sentence_transformers:SentenceTransformerEmbedder",
    ),
    "openai": Kind(
        ("base_url", "model", "api_key_env", "dimensions", *_PROMPTS, "normalize", "batch_size"),
        required=("base_url",), builder=f"{_ADAPTERS}.embedders.openai_compat:OpenAICompatibleEmbedder",
    ),
    "llamaindex": Kind(
        ("class_path", *_PROMPTS), required=("class_path",), builder=f"{_ADAPTERS}.embedders.factory:build_llamaindex"
    ),
    "testing.keyword": Kind(
        ("vocabulary", *_PROMPTS, "normalize"), required=("vocabulary",),
        builder="ragshift.harness.testing.embedders:KeywordEmbedder",
    ),
    "testing.degraded": Kind(
        ("of", "noise"), required=("of",), builder="ragshift.harness.testing.degraded:NoisyEmbedder"
    ),
    "query-adapter": Kind(
        ("model", *_PROMPTS, "batch_size"), builder=f"{_ADAPTERS}.training.query_adapter:build_query_adapter"
    ),
    "onnx": Kind(
        ("model", "pooling", *_PROMPTS, "normalize", "max_length"), required=("model",),
        builder=f"{_ADAPTERS}.embedders.onnx:OnnxEmbedder",
    ),
    "bridged": Kind(("model",), required=("model",), hint="the folder `ragshift bridge` wrote"),
}

RENAMED = {"keyword": "testing.keyword", "degraded": "testing.degraded"}
"""Earlier names of the fake kinds: a config that still uses one is told the new name."""

DEGRADED = "testing.degraded"
"""The kind that wraps another ``[[embedders]]`` entry (its ``of``)."""

GENERATOR_KINDS: dict[str, Kind] = {
    "smollm2": Kind(("max_new_tokens", "prompt_template")),
    "openai": Kind(
        ("base_url", "model", "api_key_env", "max_new_tokens", "temperature", "timeout", "max_retries", "prompt_template"),
        required=("base_url", "model"),
    ),
    "llamaindex": Kind(("class_path", "prompt_template"), required=("class_path",)),
}
"""Generator kinds: the keys each uses besides ``kind`` (``builder`` unused: the generator factory
branches on the kind, SmolLM2 taking the cache folder)."""
