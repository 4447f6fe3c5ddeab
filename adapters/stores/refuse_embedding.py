"""``RefuseToEmbed``: the embedding function every ragshift collection is opened with."""

from __future__ import annotations

import chromadb


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
