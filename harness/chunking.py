"""The trivial chunker: one chunk per document, as BEIR models are evaluated."""

from __future__ import annotations

from typing import Sequence

from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.types import Chunk, Document


class WholeDocumentChunker:
    """Each document becomes a single chunk ``f"{doc_id}#0"`` holding its title and body."""

    def chunk(self, documents: Sequence[Document]) -> list[Chunk]:
        return [
            Chunk(chunk_id=f"{d.doc_id}#0", doc_id=d.doc_id, text=d.full_text, position=0) for d in documents
        ]

    def fingerprint(self) -> str:
        return stable_hash({"class": type(self).__name__, "version": 1})
