"""``DenseRetriever``: a vector-index retriever (an embedder over a store) described as a system."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import Embedder, Retriever, document_fingerprint
from ragshift.harness.types import Hit, Query


class DenseRetriever:
    """Delegates ``retrieve`` to ``retriever`` (e.g. ``IndexRetriever``, which refuses an index of
    another model version); adds the fingerprint of what its rankings depend on: the embedder (both
    sides), the documents and the chunker."""

    def __init__(self, retriever: Retriever, embedder: Embedder, *, documents: str, chunker: str) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self.documents = documents
        self.chunker = chunker

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]:
        return self.retriever.retrieve(queries, k=k)

    def fingerprint(self) -> str:
        return stable_hash(
            {
                "retriever": "dense",
                "embedder": self.embedder.fingerprint(),
                "document_vectors": document_fingerprint(self.embedder),
                "documents": self.documents,
                "chunker": self.chunker,
            }
        )

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "dense",
            "embedder": dict(self.embedder.describe()),
            "documents": self.documents,
            "chunker": self.chunker,
            "fingerprint": self.fingerprint(),
        }
