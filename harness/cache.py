"""On-disk embedding cache (one sqlite file) and the Embedder wrapper that consults it.

Rows are keyed by (embedder fingerprint, kind ``q``/``d``, sha256 of the text), so a changed model,
prompt or normalisation can never be served stale vectors. The file uses WAL mode and short
per-operation connections, so several processes (e.g. pytest-xdist workers) may share it.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

import numpy as np

from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.sqlite import connect, create_tables, header_problem, select_in, table_columns
from ragshift.harness.protocols import Embedder, document_fingerprint

Kind = Literal["q", "d"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    fingerprint TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('q', 'd')),
    text_sha256 TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (fingerprint, kind, text_sha256)
) WITHOUT ROWID
"""


class CacheCorrupt(RagshiftError):
    """The cache file is not a readable ragshift embedding cache."""


class EmbeddingCache:
    """Float32 vectors in a sqlite file; safe to share between processes."""

    def __init__(self, path: str | Path, *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._check_header()
        with self._connect() as db:
            create_tables(db, [_SCHEMA])
            columns = table_columns(db, "embeddings")
        if columns != ["fingerprint", "kind", "text_sha256", "dim", "vector"]:
            raise self._corrupt(f"unexpected embeddings table columns {columns}")

    def get(self, fingerprint: str, kind: Kind, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors found for the given text hashes (missing ones are absent from the result)."""
        found: dict[str, np.ndarray] = {}
        query = "SELECT text_sha256, dim, vector FROM embeddings WHERE fingerprint = ? AND kind = ? AND text_sha256 IN ({marks})"
        with self._connect() as db:
            for sha, dim, blob in select_in(db, query, hashes, params=(fingerprint, kind)):
                if len(blob) != 4 * dim:
                    raise self._corrupt(f"vector of {len(blob)} bytes stored with dim {dim}")
                found[sha] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
        return found

    def put(self, fingerprint: str, kind: Kind, hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Store one vector per text hash, in a single transaction."""
        vectors = np.asarray(vectors, dtype="<f4")
        if vectors.ndim != 2 or len(vectors) != len(hashes):
            raise ValueError(f"expected {len(hashes)} vectors as a 2-d array, got shape {vectors.shape}")
        rows = [(fingerprint, kind, sha, vectors.shape[1], vec.tobytes()) for sha, vec in zip(hashes, vectors)]
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")

    def dimension(self, fingerprint: str) -> int | None:
        """Size of the vectors stored for a fingerprint, or None when it has none yet."""
        with self._connect() as db:
            row = db.execute("SELECT dim FROM embeddings WHERE fingerprint = ? LIMIT 1", (fingerprint,)).fetchone()
        return None if row is None else int(row[0])

    def count(self, fingerprint: str | None = None) -> int:
        """Number of stored vectors, for one fingerprint or in all."""
        query, args = "SELECT COUNT(*) FROM embeddings", ()
        if fingerprint is not None:
            query, args = query + " WHERE fingerprint = ?", (fingerprint,)
        with self._connect() as db:
            return int(db.execute(query, args).fetchone()[0])

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path, timeout=self.timeout, what="embedding cache", unusable=self._corrupt)

    def _check_header(self) -> None:
        """Reject files that are not sqlite, or are shorter than their header says (a partial copy)."""
        problem = header_problem(self.path)
        if problem is not None:
            raise self._corrupt(problem)

    def _corrupt(self, problem: str) -> CacheCorrupt:
        return CacheCorrupt(f"embedding cache {self.path} is unusable ({problem}); delete the file to rebuild it")


class CachedEmbedder:
    """An Embedder that serves vectors from an ``EmbeddingCache`` and embeds only the misses.

    ``hits`` / ``misses`` count requested texts answered from / not found in the cache; misses are
    embedded in one call to ``inner`` (each distinct text once) and stored. The fingerprint is the inner one.
    """

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0
        self._dimension: int | None = None

    @property
    def dimension(self) -> int:
        """Read from the cache when it holds vectors, so a fully cached run never loads the model."""
        if self._dimension is None:
            self._dimension = self.cache.dimension(self.fingerprint()) or self.inner.dimension
        return self._dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("q", texts)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("d", texts)

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def document_fingerprint(self) -> str:
        return document_fingerprint(self.inner)

    def describe(self) -> Mapping[str, Any]:
        return {**self.inner.describe(), "dimension": self.dimension, "cache": str(self.cache.path)}

    def _embed(self, kind: Kind, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        fingerprint = self.inner.fingerprint() if kind == "q" else document_fingerprint(self.inner)
        hashes = [text_hash(t) for t in texts]
        found = self.cache.get(fingerprint, kind, hashes)
        missing = {h: t for h, t in zip(hashes, texts) if h not in found}
        if missing:
            embed = self.inner.embed_queries if kind == "q" else self.inner.embed_documents
            fresh = np.asarray(embed(list(missing.values())), dtype=np.float32)
            self.cache.put(fingerprint, kind, list(missing), fresh)
            found.update(zip(missing, fresh))
        self.misses += sum(h in missing for h in hashes)
        self.hits += sum(h not in missing for h in hashes)
        dims = {len(v) for v in found.values()}
        if len(dims) != 1:
            raise RagshiftError(f"embedding cache {self.cache.path} holds vectors of sizes {sorted(dims)} for one fingerprint")
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)
