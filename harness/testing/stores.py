"""``ExactIndex``: brute-force cosine search in numpy, the reference every real index is checked against."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from harness.errors import FingerprintMismatch
from harness.fingerprint import text_hash
from harness.types import Chunk, Hit


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
        return Hit(doc_id=chunk.doc_id, score=score, chunk_id=chunk_id, text=chunk.text)

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
