"""Stable content hashes: cache keys, Chroma collection names and run ids all come from here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

SHORT = 16


def _default(obj: Any) -> Any:
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"cannot fingerprint {type(obj).__name__}")


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def stable_hash(obj: Any, length: int = SHORT) -> str:
    """sha256 of the canonical JSON form of ``obj``, shortened to ``length`` hex digits."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()[:length]


def text_hash(text: str) -> str:
    """Full sha256 of a text: the content key of the embedding cache."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def files_hash(paths: Iterable[Path], length: int = SHORT) -> str:
    """sha256 over the bytes of several files (e.g. model weights), in sorted path order."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:length]


def without_keys(value: Any, keys: Iterable[str]) -> Any:
    """``value`` (nested dicts and lists, e.g. a model's config JSON) with every dict entry whose key is in
    ``keys`` removed at any depth: what a fingerprint should ignore (library versions, source paths)."""
    drop = set(keys)
    if isinstance(value, dict):
        return {k: without_keys(v, drop) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [without_keys(v, drop) for v in value]
    return value
