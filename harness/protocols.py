"""The interfaces adapters implement. Runtime-checkable; keyword-only after the first argument."""

from __future__ import annotations

from typing import Any, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from harness.types import Chunk, Document, Hit, Query


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors. Queries and documents may get different prompts."""

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` float32 array."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` float32 array."""
        ...

    def fingerprint(self) -> str:
        """Changes whenever any vector could change: weights, pooling, normalisation, prompts, length."""
        ...

    def describe(self) -> Mapping[str, Any]:
        """Human-readable provenance for the run card."""
        ...


@runtime_checkable
class Chunker(Protocol):
    def chunk(self, documents: Sequence[Document]) -> list[Chunk]: ...

    def fingerprint(self) -> str: ...


@runtime_checkable
class VectorIndex(Protocol):
    """Stores chunk vectors; ``query`` returns higher-is-better scores, best first."""

    def add(
        self,
        chunks: Sequence[Chunk],
        embeddings: np.ndarray,
    ) -> None: ...

    def query(self, embeddings: np.ndarray, *, k: int) -> list[list[Hit]]: ...

    def count(self) -> int: ...

    def ids(self) -> set[str]: ...


@runtime_checkable
class Retriever(Protocol):
    """Answers queries with document-level hits, best first (a document scores as its best chunk)."""

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]: ...
