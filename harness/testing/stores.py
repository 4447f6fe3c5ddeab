"""``ExactIndex``: brute-force cosine search in numpy, the reference every real index is checked against;
``MemoryStore``: a VectorStore of ExactIndex collections in memory."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from ragshift.harness.errors import ConfigError, FingerprintMismatch, StoreBusy
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.protocols import EMBEDDER_TAG, collection_tags, require_collection_tags
from ragshift.harness.testing.aliases import MemoryAliasStore
from ragshift.harness.types import Chunk, Hit


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


class ExactIndex:
    """In-memory VectorIndex scoring by exact cosine similarity; ties go to the smaller chunk_id."""

    def __init__(self, fingerprint: str | None = None) -> None:
        self._chunks: dict[str, Chunk] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._fingerprint = fingerprint

    @property
    def embedder_fingerprint(self) -> str | None:
        return self._fingerprint

    def _require(self, fingerprint: str, action: str) -> None:
        if self._fingerprint is not None and fingerprint != self._fingerprint:
            raise FingerprintMismatch(
                f"refusing to {action} with embedder {fingerprint}: this index holds vectors of embedder {self._fingerprint}"
            )

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray, *, fingerprint: str) -> None:
        if len(chunks) != len(embeddings):
            raise ValueError(f"{len(chunks)} chunks but {len(embeddings)} embeddings")
        self._require(fingerprint, "write")
        self._fingerprint = fingerprint
        for chunk, vector in zip(chunks, _unit_rows(embeddings)):
            self._chunks[chunk.chunk_id] = chunk
            self._vectors[chunk.chunk_id] = vector

    def query(self, embeddings: np.ndarray, *, k: int, fingerprint: str) -> list[list[Hit]]:
        self._require(fingerprint, "query")
        ids = sorted(self._vectors)
        if not ids:
            return [[] for _ in embeddings]
        scores = _unit_rows(embeddings) @ np.stack([self._vectors[i] for i in ids]).T
        results = []
        for row in scores:
            # lexsort: last key is primary; ids are already sorted, so position breaks ties by chunk_id.
            order = np.lexsort((np.arange(len(ids)), -row))[:k]
            results.append([self._hit(ids[j], float(row[j])) for j in order])
        return results

    def _hit(self, chunk_id: str, score: float) -> Hit:
        chunk = self._chunks[chunk_id]
        return Hit(doc_id=chunk.doc_id, score=score, chunk_id=chunk_id, text=chunk.text, meta={"position": chunk.position})

    def remove(self, ids: Sequence[str]) -> None:
        for chunk_id in ids:
            self._chunks.pop(chunk_id, None)
            self._vectors.pop(chunk_id, None)

    def hashes(self) -> dict[str, str]:
        """Content hash of every stored chunk's text (what ``reindex`` compares against)."""
        return {i: text_hash(c.text) for i, c in self._chunks.items()}

    def count(self) -> int:
        return len(self._chunks)

    def ids(self) -> set[str]:
        return set(self._chunks)


class MemoryCollection(ExactIndex):
    """An ExactIndex kept by a MemoryStore under a name, with tags."""

    def __init__(self, name: str, tags: Mapping[str, Any]) -> None:
        super().__init__(str(tags[EMBEDDER_TAG]))
        self._name = name
        self._tags = dict(tags)

    @property
    def name(self) -> str:
        return self._name

    @property
    def tags(self) -> dict[str, Any]:
        return dict(self._tags)

    def update_tags(self, tags: Mapping[str, Any]) -> None:
        self._tags.update(tags)


class MemoryStore:
    """VectorStore in memory: MemoryCollections by name, a MemoryAliasStore, one write lock per collection.

    A lock held in this process refuses a second writer at once (``wait`` is not waited: nothing else
    could release it meanwhile).
    """

    location = "memory"

    def __init__(self) -> None:
        self._collections: dict[str, MemoryCollection] = {}
        self._aliases = MemoryAliasStore()
        self._held: dict[str, str] = {}

    def collections(self) -> dict[str, dict[str, Any]]:
        return {name: self._collections[name].tags for name in sorted(self._collections)}

    def open(self, name: str) -> MemoryCollection:
        if name not in self._collections:
            present = ", ".join(sorted(self._collections)) or "none"
            raise ConfigError(f"no collection {name!r}; collections present: {present}")
        return self._collections[name]

    def create(self, name: str, *, embedder_fingerprint: str, dimension: int, tags: Mapping[str, Any]) -> MemoryCollection:
        wanted = collection_tags(tags, embedder_fingerprint=embedder_fingerprint, dimension=dimension)
        index = self._collections.setdefault(name, MemoryCollection(name, wanted))
        require_collection_tags(name, index.tags, wanted)
        return index

    def drop(self, name: str) -> None:
        self.open(name)
        del self._collections[name]

    def aliases(self) -> MemoryAliasStore:
        return self._aliases

    @contextlib.contextmanager
    def write_lock(self, collection: str, *, wait: float = 0.0, what: str = "") -> Iterator[Callable[[], None]]:
        if collection in self._held:
            raise StoreBusy(f"collection {collection} is being written ({self._held[collection] or 'writing'}); waited 0 s")
        self._held[collection] = what
        try:
            yield lambda: None
        finally:
            del self._held[collection]
