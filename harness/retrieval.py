"""``IndexRetriever``: documents for queries from any VectorIndex, a document scoring as its best chunk.

The retriever ``ragshift eval`` evaluates, and the one ``promote``'s sample evaluation and ``shadow``
replay: it queries through ``VectorIndex.query`` (cosine similarity, higher is better), the same call
the LlamaIndex plug-in ``RagshiftRetriever`` makes.
"""

from __future__ import annotations

from typing import Sequence

from ragshift.harness.errors import ConfigError, FingerprintMismatch
from ragshift.harness.protocols import Embedder, VectorIndex, document_fingerprint
from ragshift.harness.types import Hit, Query


def best_chunk_per_document(hits: Sequence[Hit]) -> list[Hit]:
    """One hit per document, its best-scoring chunk; best first, ties to the smaller document id."""
    best: dict[str, Hit] = {}
    for hit in hits:
        if hit.doc_id not in best or hit.score > best[hit.doc_id].score:
            best[hit.doc_id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.doc_id))


class IndexRetriever:
    """Retriever over a built index; refuses an index of another embedder (document fingerprint).

    Queries are embedded once as a batch. ``fanout`` chunks per wanted document are fetched, doubling
    for the queries still short of ``k`` distinct documents until they have them (or the index is
    exhausted).
    """

    def __init__(self, index: VectorIndex, embedder: Embedder, *, fanout: int = 3) -> None:
        if fanout < 1:
            raise ConfigError(f"fanout must be >= 1, got {fanout}")
        self._fingerprint = document_fingerprint(embedder)
        recorded = index.embedder_fingerprint
        if recorded != self._fingerprint:
            where = getattr(index, "name", None)
            raise FingerprintMismatch(
                f"refusing to query {f'collection {where!r}' if where else 'the index'} with embedder "
                f"{self._fingerprint!r}: it holds vectors of embedder {recorded!r}"
            )
        self.index = index
        self.embedder = embedder
        self.fanout = fanout

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]:
        if not queries:
            return {}
        vectors = self.embedder.embed_queries([q.text for q in queries])
        total = self.index.count()
        found: dict[int, list[Hit]] = {}
        pending = list(range(len(queries)))
        n = min(total, k * self.fanout)
        while pending and n > 0:
            results = self.index.query(vectors[pending], k=n, fingerprint=self._fingerprint)
            short = []
            for i, hits in zip(pending, results):
                documents = best_chunk_per_document(hits)
                if len(documents) >= k or n >= total:
                    found[i] = documents[:k]
                else:
                    short.append(i)
            pending, n = short, min(total, 2 * n)
        return {q.qid: found.get(i, []) for i, q in enumerate(queries)}
