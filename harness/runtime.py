"""Process environment ragshift needs before heavy libraries load (called by the CLI and tests)."""

from __future__ import annotations

import os

QUIET_ENV = {
    # Without it CPU inference collapses on a shared 2-core machine.
    "OMP_WAIT_POLICY": "PASSIVE",
    "ANONYMIZED_TELEMETRY": "False",
    "RAGAS_DO_NOT_TRACK": "true",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # transformers 5 draws a "Loading weights" bar per model load; ragshift shows its own progress.
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}


def prepare_environment(*, offline: bool | None = None) -> None:
    """Set telemetry-off and threading variables unless the user already set them.

    ``offline=True`` also sets ``HF_HUB_OFFLINE=1`` so an accidental hub id fails fast.
    Must run before torch / sentence-transformers are imported to take effect.
    """
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    if offline:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    _point_tiktoken_at_bundled_cache()


def _point_tiktoken_at_bundled_cache() -> None:
    """llama-index-core ships tiktoken files; plain tiktoken would download (and may hang)."""
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        return
    import importlib.util

    spec = importlib.util.find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        return
    cache = os.path.join(spec.submodule_search_locations[0], "_static", "tiktoken_cache")
    if os.path.isdir(cache):
        os.environ["TIKTOKEN_CACHE_DIR"] = cache
