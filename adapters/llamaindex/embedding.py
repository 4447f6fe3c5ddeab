"""A ragshift Embedder seen by LlamaIndex as a ``BaseEmbedding``: the same vectors in both worlds."""

from __future__ import annotations

from typing import Any, List

from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from llama_index.core.bridge.pydantic import PrivateAttr

from ragshift.harness.protocols import Embedder


class RagshiftEmbedding(BaseEmbedding):
    """Queries go through ``embed_queries``, texts through ``embed_documents`` (so prompts match)."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        kwargs.setdefault("model_name", f"ragshift:{embedder.fingerprint()}")
        super().__init__(**kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "RagshiftEmbedding"

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._embedder.embed_queries([query])[0].tolist()

    def _get_text_embeddings(self, texts: List[str]) -> List[Embedding]:
        return self._embedder.embed_documents(texts).tolist()

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._get_text_embeddings([text])[0]

    # The embedders are synchronous; the async API runs them in place rather than duplicating them.
    async def _aget_query_embedding(self, query: str) -> Embedding:
        return self._get_query_embedding(query)

    async def _aget_text_embeddings(self, texts: List[str]) -> List[Embedding]:
        return self._get_text_embeddings(texts)
