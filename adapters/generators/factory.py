"""Build a Generator from a kind name and options (what ``GeneratorConfig.adapter_options`` hands over)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ragshift.harness.errors import ConfigError
from ragshift.harness.kinds import GENERATOR_KINDS
from ragshift.harness.protocols import Generator


def build_generator(kind: str, *, cache_dir: str | Path | None = None, **options: Any) -> Generator:
    """``build_generator("openai", base_url=..., model=...)``; ``cache_dir`` holds SmolLM2's fp32 copy."""
    if kind == "smollm2":
        from ragshift.adapters.generators.smollm2 import SmolLM2Generator

        return SmolLM2Generator(cache_dir=cache_dir, **options)
    if kind == "openai":
        from ragshift.adapters.generators.llamaindex import openai_compatible

        return openai_compatible(**options)
    if kind == "llamaindex":
        return build_llamaindex(**options)
    raise ConfigError(f"unknown generator kind {kind!r}; valid kinds: {', '.join(GENERATOR_KINDS)}")


def build_llamaindex(*, class_path: str, **kwargs: Any) -> Generator:
    """``class_path="package.module:attr"`` names a LlamaIndex LLM class or a factory returning one."""
    from ragshift.adapters.generators.llamaindex import LlamaIndexGenerator

    module_name, _, attr = class_path.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot import class_path {class_path!r}: {exc}") from None
    return LlamaIndexGenerator(target(**kwargs))
