"""Build an Embedder from a kind name and options (what config files and the CLI hand over); the kinds,
their options and their adapters are declared once in ``ragshift.harness.kinds``."""

from __future__ import annotations

import importlib
import inspect
from typing import Any, Callable

from ragshift.harness.errors import ConfigError
from ragshift.harness.kinds import EMBEDDER_KINDS
from ragshift.harness.protocols import Embedder

def builder(kind: str) -> Callable[..., Embedder]:
    """The adapter class or function that builds ``kind`` (``ragshift.harness.kinds`` names it; imported now)."""
    spec = EMBEDDER_KINDS.get(kind)
    if spec is None or spec.builder is None:
        buildable = [name for name, k in EMBEDDER_KINDS.items() if k.builder is not None]
        raise ConfigError(f"unknown embedder kind {kind!r}; valid kinds: {', '.join(buildable)}")
    module_name, _, attr = spec.builder.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def build_embedder(kind: str, **options: Any) -> Embedder:
    """``build_embedder("sentence-transformers", model="all-MiniLM-L6-v2", query_prompt="query: ")``.

    Unknown kinds and unknown or missing options raise ``ConfigError`` naming the valid ones.
    """
    build = builder(kind)
    _check_options(kind, build, options)
    return build(**options)


def build_llamaindex(*, class_path: str, query_prompt: str = "", document_prompt: str = "", **kwargs: Any) -> Embedder:
    """``class_path="package.module:attr"`` names a callable returning a LlamaIndex BaseEmbedding;
    the remaining options are its keyword arguments."""
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from ragshift.adapters.embedders.llamaindex import LlamaIndexEmbedder

    embed_model = _import(class_path)(**kwargs)
    if not isinstance(embed_model, BaseEmbedding):
        raise ConfigError(f"{class_path} returned {type(embed_model).__name__}, not a LlamaIndex BaseEmbedding")
    return LlamaIndexEmbedder(embed_model, query_prompt=query_prompt, document_prompt=document_prompt)


def _import(class_path: str) -> Callable[..., Any]:
    module_name, _, attr = class_path.partition(":")
    if not module_name or not attr:
        raise ConfigError(f"class_path must look like 'package.module:attr', got {class_path!r}")
    try:
        target = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot import {class_path}: {exc}") from exc
    if not callable(target):
        raise ConfigError(f"{class_path} is not callable")
    return target


def _check_options(kind: str, builder: Callable[..., Any], options: dict[str, Any]) -> None:
    params = inspect.signature(builder).parameters
    named = {n for n, p in params.items() if p.kind is not inspect.Parameter.VAR_KEYWORD}
    missing = {n for n in named if params[n].default is inspect.Parameter.empty} - set(options)
    open_ended = len(named) < len(params)  # a **kwargs builder forwards the rest
    unknown = set() if open_ended else set(options) - named
    if unknown or missing:
        problems = [f"unknown options {sorted(unknown)}" if unknown else "", f"missing {sorted(missing)}" if missing else ""]
        raise ConfigError(
            f"embedder kind {kind!r}: {' and '.join(p for p in problems if p)}; valid options: {sorted(named)}"
        )
