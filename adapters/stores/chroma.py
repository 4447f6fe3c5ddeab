"""Chroma as the vector index: embedded (PersistentClient) by default, or a server (HttpClient).

Chroma never embeds anything here: vectors always come from a ragshift Embedder, and every
collection is opened with an embedding function that raises if Chroma ever tries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

import chromadb
import numpy as np
from chromadb.config import Settings

from harness.errors import ConfigError, FingerprintMismatch
from harness.types import Chunk, Hit

EMBEDDER_KEY = "ragshift:embedder"
DIMENSION_KEY = "ragshift:dimension"
FALLBACK_BATCH = 1000  # servers that don't report a max batch size answer -1


HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 200, "max_neighbors": 32}
"""Chroma's graph settings: wider than its defaults so the approximate search matches exact cosine
on corpora of this size (the SciFact benchmark checks the difference)."""


class RefuseToEmbed(chromadb.EmbeddingFunction):
    """Stands in for Chroma's default embedding function, which would download a model."""

    def __init__(self) -> None:
        pass

    @staticmethod
    def name() -> str:
        # NotImplemented marks it "legacy" for Chroma: nothing about it is persisted in the collection.
        return NotImplemented

    def __call__(self, input: chromadb.Documents) -> chromadb.Embeddings:
        raise RuntimeError("ragshift passes vectors explicitly; Chroma was asked to embed text itself")


class ChromaIndex:
    """VectorIndex over one Chroma collection in cosine space; ``score = 1 - distance``."""

    def __init__(self, collection: Any, batch_size: int) -> None:
        self.collection = collection
        self._batch = batch_size

    @property
    def name(self) -> str:
        return self.collection.name

    @property
    def metadata(self) -> dict[str, Any]:
        return dict(self.collection.metadata or {})

    @property
    def embedder_fingerprint(self) -> str | None:
        return self.metadata.get(EMBEDDER_KEY)

    def require_embedder(self, fingerprint: str, action: str = "use") -> None:
        """Refuse to mix vector spaces: the collection must hold vectors of this embedder."""
        recorded = self.embedder_fingerprint
        if recorded != fingerprint:
            raise FingerprintMismatch(
                f"refusing to {action} collection {self.name!r} with embedder {fingerprint!r}: it holds vectors of "
                f"embedder {recorded!r}; another model version needs its own collection (`ragshift reindex`)"
            )

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray, *, fingerprint: str) -> None:
        if len(chunks) != len(embeddings):
            raise ValueError(f"{len(chunks)} chunks but {len(embeddings)} embeddings")
        self.require_embedder(fingerprint, "write to")
        vectors = np.asarray(embeddings, dtype=np.float32)
        for start in range(0, len(chunks), self._batch):
            part = chunks[start : start + self._batch]
            self.collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[start : start + self._batch],
                documents=[c.text for c in part],
                metadatas=[{"doc_id": c.doc_id, "position": c.position} for c in part],
            )

    def remove(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), self._batch):
            self.collection.delete(ids=list(ids[start : start + self._batch]))

    def query(self, embeddings: np.ndarray, *, k: int, fingerprint: str) -> list[list[Hit]]:
        self.require_embedder(fingerprint, "query")
        n = min(k, self.count())
        if n == 0:
            return [[] for _ in embeddings]
        res = self.collection.query(
            query_embeddings=np.asarray(embeddings, dtype=np.float32),
            n_results=n,
            include=["documents", "metadatas", "distances"],
        )
        return [
            sorted(
                (
                    Hit(doc_id=m["doc_id"], score=1.0 - d, chunk_id=i, text=t)
                    for i, t, m, d in zip(*rows)
                ),
                key=lambda h: (-h.score, h.chunk_id),
            )
            for rows in zip(res["ids"], res["documents"], res["metadatas"], res["distances"])
        ]

    def count(self) -> int:
        return self.collection.count()

    def ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])


class ChromaStore:
    """Opens ragshift collections in one Chroma database: a server when ``host`` is given, else ``path``."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        host: str | None = None,
        port: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        settings = Settings(anonymized_telemetry=False, allow_reset=False)
        if host is not None:
            self.client = chromadb.HttpClient(
                host=host, port=port or 8000, headers=dict(headers or {}), settings=settings
            )
        elif path is not None:
            self.client = chromadb.PersistentClient(path=str(path), settings=settings)
        else:
            raise ConfigError("ChromaStore needs a path (embedded database) or a host (Chroma server)")
        reported = self.client.get_max_batch_size()
        self.batch_size = reported if reported > 0 else FALLBACK_BATCH

    def open_index(
        self, name: str, *, embedder_fingerprint: str, dimension: int, metadata: Mapping[str, Any]
    ) -> ChromaIndex:
        """Create (cosine space) or open ``name``; refuse one written by another embedder or setup.

        ``metadata`` holds further tags (e.g. corpus and chunker fingerprints) that must match too.
        """
        tags = {**metadata, EMBEDDER_KEY: embedder_fingerprint, DIMENSION_KEY: dimension}
        collection = self.client.get_or_create_collection(
            name,
            configuration={"hnsw": HNSW},
            metadata=tags,
            embedding_function=RefuseToEmbed(),
        )
        index = ChromaIndex(collection, self.batch_size)
        index.require_embedder(embedder_fingerprint)
        recorded = index.metadata
        differing = {key: (recorded.get(key), value) for key, value in tags.items() if recorded.get(key) != value}
        if differing:
            raise FingerprintMismatch(f"collection {name!r} was built with other settings (recorded, asked): {differing}")
        return index
