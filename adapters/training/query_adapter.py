"""An Embedder that applies a trained linear map to a base embedder's query vectors only.

Documents go through the base embedder untouched, so an index built with the base model serves
the adapted model as is: :meth:`QueryAdapterEmbedder.document_fingerprint` equals the base's,
while :meth:`fingerprint` (queries and documents together) also covers the map.

A query-adapter model directory holds ``query_adapter.safetensors`` (``weight`` d×d, ``bias`` d)
and ``query_adapter.json`` (the base model, the settings it was trained under, and the base
embedder's fingerprint, checked on load).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load_file, save_file

from ragshift.harness.errors import FingerprintMismatch, RagshiftError
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import Embedder, document_fingerprint

WEIGHTS = "query_adapter.safetensors"
META = "query_adapter.json"


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class QueryAdapterEmbedder:
    """``embed_queries(t) = unit(unit(base.embed_queries(t)) @ weight.T + bias)``; documents = base."""

    def __init__(self, base: Embedder, weight: np.ndarray, bias: np.ndarray, *, source: str = "") -> None:
        weight = np.asarray(weight, dtype=np.float32)
        bias = np.asarray(bias, dtype=np.float32)
        if weight.shape != (base.dimension, base.dimension) or bias.shape != (base.dimension,):
            raise RagshiftError(
                f"query adapter of shape {weight.shape} / {bias.shape} does not fit a {base.dimension}-d base embedder"
            )
        self.base = base
        self.weight = weight
        self.bias = bias
        self.source = source

    @classmethod
    def load(cls, directory: Path | str, base: Embedder) -> QueryAdapterEmbedder:
        """Read a query-adapter directory; the base must be the one it was trained on."""
        directory = Path(directory)
        meta = read_meta(directory)
        if meta["base_fingerprint"] != document_fingerprint(base):
            raise FingerprintMismatch(
                f"{directory} was trained on base embedder {meta['base_fingerprint']} "
                f"({meta['base_model']}), not on {document_fingerprint(base)}"
            )
        tensors = load_file(str(directory / WEIGHTS))
        return cls(base, tensors["weight"], tensors["bias"], source=str(directory))

    def save(self, directory: Path | str, meta: Mapping[str, Any]) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        save_file({"weight": self.weight, "bias": self.bias}, str(directory / WEIGHTS))
        record = {**meta, "base_fingerprint": document_fingerprint(self.base), "dimension": self.dimension}
        (directory / META).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @property
    def dimension(self) -> int:
        return self.base.dimension

    def transform(self, query_vectors: np.ndarray) -> np.ndarray:
        """The map alone, on base query vectors."""
        return _unit(_unit(np.asarray(query_vectors, dtype=np.float32)) @ self.weight.T + self.bias)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.base.embed_queries(texts)
        return vectors if not len(texts) else self.transform(vectors)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.base.embed_documents(texts)

    def document_fingerprint(self) -> str:
        return document_fingerprint(self.base)

    def parameter_bytes(self) -> int | None:
        """The base model's parameters (when it says) plus the map's weight and bias."""
        method = getattr(self.base, "parameter_bytes", None)
        base = method() if callable(method) else None
        return None if base is None else int(base) + self.weight.nbytes + self.bias.nbytes

    def fingerprint(self) -> str:
        return stable_hash({"embedder": "query-adapter", "base": self.base.fingerprint(), "map": self._map_hash()})

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "query-adapter",
            "path": self.source,
            "dimension": self.dimension,
            "base": dict(self.base.describe()),
            "fingerprint": self.fingerprint(),
            "document_fingerprint": self.document_fingerprint(),
        }

    def _map_hash(self) -> str:
        return hashlib.sha256(self.weight.tobytes() + self.bias.tobytes()).hexdigest()[:16]


def read_meta(directory: Path) -> dict[str, Any]:
    path = Path(directory) / META
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RagshiftError(f"{directory} is not a query-adapter model directory ({META}: {exc})") from None


def is_query_adapter(directory: Path | str) -> bool:
    return (Path(directory) / META).is_file() and (Path(directory) / WEIGHTS).is_file()


def build_query_adapter(
    model: str, *, query_prompt: str = "", document_prompt: str = "", batch_size: int = 32, device: str = "cpu"
) -> QueryAdapterEmbedder:
    """Factory entry (``kind = "query-adapter"``, ``model = <directory>``): base rebuilt from the directory."""
    from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

    meta = read_meta(Path(model))
    base = SentenceTransformerEmbedder(
        meta["base_model"],
        query_prompt=query_prompt,
        document_prompt=document_prompt,
        max_length=meta.get("max_length"),
        batch_size=batch_size,
        device=device,
    )
    return QueryAdapterEmbedder.load(model, base)
