"""ragshift: prove on held-out data whether a fine-tuned embedding space is better, then ship it safely.

The installed package is ``ragshift``: the light core is ``ragshift.harness`` and the adapters to heavy
libraries are ``ragshift.adapters`` (the repository keeps them as the top-level folders ``harness/``
and ``adapters/``, linked from here). The public names below import lazily, so ``import ragshift``
stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ragshift.harness import __version__  # noqa: E402,F401  (one version, kept in the core)

_PUBLIC = {
    "RagshiftRetriever": "ragshift.adapters.llamaindex.retriever",
    "run_eval": "ragshift.harness.run",
    "evaluate": "ragshift.harness.evaluate",
    "RunCard": "ragshift.harness.runcard",
    "load_config": "ragshift.harness.config",
    "load_corpus": "ragshift.harness.corpus",
    "compare_rows": "ragshift.harness.compare",
    "assert_not_worse": "ragshift.harness.gates",
    "assert_at_least": "ragshift.harness.gates",
    "GateFailure": "ragshift.harness.gates",
    "RagshiftError": "ragshift.harness.errors",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'ragshift' has no attribute {name!r}")
    value = getattr(import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
