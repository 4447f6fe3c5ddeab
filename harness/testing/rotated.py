"""A rotated embedder: another embedder's vectors times a fixed random orthogonal matrix.

Every cosine between two of its vectors equals the inner embedder's, yet its vectors differ: the
model-version change a bridge must undo exactly (an orthogonal map recovers the rotation).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from scipy.stats import ortho_group

from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import Embedder


class RotatedEmbedder:
    """``inner(text) @ Q`` for a seeded random orthogonal ``Q`` (queries and documents alike)."""

    def __init__(self, inner: Embedder, *, seed: int = 0) -> None:
        self.inner = inner
        self.seed = int(seed)
        self.rotation = ortho_group.rvs(inner.dimension, random_state=self.seed).astype(np.float32)

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return (np.asarray(self.inner.embed_queries(texts), dtype=np.float32) @ self.rotation).astype(np.float32)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return (np.asarray(self.inner.embed_documents(texts), dtype=np.float32) @ self.rotation).astype(np.float32)

    def fingerprint(self) -> str:
        return stable_hash({"embedder": "rotated", "of": self.inner.fingerprint(), "seed": self.seed})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "rotated", "seed": self.seed, "of": dict(self.inner.describe()), "fingerprint": self.fingerprint()}
