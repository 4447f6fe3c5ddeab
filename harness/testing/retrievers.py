"""``ExactRetriever``: a deterministic Retriever — exact cosine over whole documents, in numpy."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ragshift.harness.fingerprint import stable_hash, text_hash
from ragshift.harness.protocols import Embedder
from ragshift.harness.types import Document, Hit, Query


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


class ExactRetriever:
    """Embeds each document's full text once; answers with the top-k by cosine, ties to the smaller id.

    ``calls`` records the query ids of every ``retrieve`` call, so tests can check how queries arrive.
    """

    def __init__(self, embedder: Embedder, documents: Mapping[str, Document] | Sequence[Document]) -> None:
        docs = list(documents.values()) if isinstance(documents, Mapping) else list(documents)
        self.embedder = embedder
        self._docs = sorted(docs, key=lambda d: d.doc_id)
        self._matrix = _unit_rows(embedder.embed_documents([d.full_text for d in self._docs]))
        self.calls: list[tuple[str, ...]] = []

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]:
        self.calls.append(tuple(q.qid for q in queries))
        if not queries:
            return {}
        scores = _unit_rows(self.embedder.embed_queries([q.text for q in queries])) @ self._matrix.T
        out = {}
        for query, row in zip(queries, scores):
            order = np.lexsort((np.arange(len(self._docs)), -row))[:k]
            out[query.qid] = [Hit(self._docs[j].doc_id, float(row[j]), text=self._docs[j].text) for j in order]
        return out

    def fingerprint(self) -> str:
        documents = [(d.doc_id, text_hash(d.full_text)) for d in self._docs]
        return stable_hash({"retriever": "exact", "embedder": self.embedder.fingerprint(), "documents": documents})

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "exact",
            "embedder": dict(self.embedder.describe()),
            "documents": len(self._docs),
            "fingerprint": self.fingerprint(),
        }
