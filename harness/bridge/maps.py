"""Maps from a new model's vector space into an old model's: what a bridge applies to query vectors.

The linear kinds (``orthogonal``, ``affine``) are numpy arrays in ``map.npz``; the residual MLP
(``mlp``) is in ``ragshift.adapters.bridge.mlp`` (torch); ``ragshift.harness.bridge.embedder.load_map`` reads any kind. Every map unit-normalises its
input and its output, so it works on cosine geometry whatever the models' own normalisation.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal, Protocol, get_args, runtime_checkable

import numpy as np

from ragshift.harness.errors import RagshiftError

MapKind = Literal["orthogonal", "affine", "mlp"]
MAP_KINDS: tuple[str, ...] = get_args(MapKind)


@runtime_checkable
class BridgeMap(Protocol):
    """``apply`` turns ``(n, in_dim)`` new-model vectors into ``(n, out_dim)`` unit vectors of the old space."""

    kind: str

    @property
    def in_dim(self) -> int: ...

    @property
    def out_dim(self) -> int: ...

    def apply(self, vectors: np.ndarray) -> np.ndarray: ...

    def weights_hash(self) -> str:
        """Changes whenever any output could change (part of the bridged embedder's fingerprint)."""
        ...

    def parameter_bytes(self) -> int: ...

    def save(self, directory: Path) -> str:
        """Write the weights into ``directory``; returns the file name."""
        ...


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def arrays_hash(kind: str, arrays: dict[str, np.ndarray]) -> str:
    """sha256 over the kind and every named array's dtype, shape and bytes, in name order."""
    digest = hashlib.sha256(kind.encode())
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"|{name}|{array.dtype.str}|{array.shape}|".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()[:16]


class LinearMap:
    """``apply(x) = unit(unit(x) @ weight + bias)``; ``weight`` is ``(in_dim, out_dim)``."""

    FILE = "map.npz"

    def __init__(self, kind: str, weight: np.ndarray, bias: np.ndarray | None = None) -> None:
        weight = np.asarray(weight, dtype=np.float32)
        bias = np.zeros(weight.shape[1], dtype=np.float32) if bias is None else np.asarray(bias, dtype=np.float32)
        if weight.ndim != 2 or bias.shape != (weight.shape[1],):
            raise RagshiftError(f"{kind} map: weight {weight.shape} and bias {bias.shape} do not fit together")
        self.kind = kind
        self.weight = weight
        self.bias = bias

    @property
    def in_dim(self) -> int:
        return int(self.weight.shape[0])

    @property
    def out_dim(self) -> int:
        return int(self.weight.shape[1])

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.in_dim:
            raise RagshiftError(f"{self.kind} map takes {self.in_dim}-d vectors, got shape {vectors.shape}")
        return unit_rows(unit_rows(vectors) @ self.weight + self.bias)

    def weights_hash(self) -> str:
        return arrays_hash(self.kind, {"weight": self.weight, "bias": self.bias})

    def parameter_bytes(self) -> int:
        return int(self.weight.nbytes + self.bias.nbytes)

    def save(self, directory: Path) -> str:
        with (Path(directory) / self.FILE).open("wb") as fh:
            np.savez(fh, weight=self.weight, bias=self.bias)
        return self.FILE

    @classmethod
    def load(cls, directory: Path, kind: str) -> LinearMap:
        path = Path(directory) / cls.FILE
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls(kind, data["weight"], data["bias"])
        except (OSError, KeyError, ValueError) as exc:
            raise RagshiftError(f"{path}: not a readable {kind} map ({exc})") from None
