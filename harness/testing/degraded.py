"""A deliberately degraded embedder: another embedder's vectors plus deterministic noise.

Regression suites use it to prove their gates catch a worse vector space (``kind = "testing.degraded"``).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash, text_hash
from ragshift.harness.protocols import Embedder


class NoisyEmbedder:
    """``normalize(inner(text) + noise * g(text))`` with ``g`` a unit-scale Gaussian seeded by the text.

    The noise of a text depends only on ``seed``, whether it is a query or a document, and the text
    itself, so results are identical across batches, runs and machines. ``noise`` is the expected
    norm of the added vector relative to a unit inner vector (0 = the inner embedder's ranking).
    """

    def __init__(self, inner: Embedder, *, noise: float = 0.5, seed: int = 0) -> None:
        if not noise >= 0:
            raise ConfigError(f"noise must be >= 0, got {noise}")
        self.inner = inner
        self.noise = float(noise)
        self.seed = int(seed)

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._perturb("q", texts, self.inner.embed_queries(texts))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._perturb("d", texts, self.inner.embed_documents(texts))

    def parameter_bytes(self) -> int | None:
        """The inner embedder's, when it says (the noise has no parameters)."""
        method = getattr(self.inner, "parameter_bytes", None)
        return method() if callable(method) else None

    def fingerprint(self) -> str:
        return stable_hash({"embedder": "degraded", "of": self.inner.fingerprint(), "noise": self.noise, "seed": self.seed})

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "testing.degraded",
            "noise": self.noise,
            "seed": self.seed,
            "of": dict(self.inner.describe()),
            "fingerprint": self.fingerprint(),
        }

    def _perturb(self, kind: str, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float64)
        dim = vectors.shape[1] if vectors.ndim == 2 else self.dimension
        out = vectors.copy()
        for row, text in enumerate(texts):
            rng = np.random.default_rng([self.seed, int(text_hash(f"{kind}:{text}")[:16], 16)])
            out[row] += self.noise * rng.standard_normal(dim) / np.sqrt(dim)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms > 0, norms, 1.0)).astype(np.float32)
