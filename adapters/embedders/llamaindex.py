"""Embedder over any LlamaIndex ``BaseEmbedding`` (HuggingFace, OpenAI, Ollama, ... integrations)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from ragshift.adapters.embedders.canary import CANARY_TEXT, vector_digest
from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import stable_hash

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

# BaseEmbedding fields that never change a vector, are secrets, or differ per machine.
_NON_VECTOR_FIELDS = {
    "cache_folder",
    "embed_batch_size",
    "num_workers",
    "callback_manager",
    "embeddings_cache",
    "rate_limiter",
    "show_progress_bar",
    "api_key",
    "token",
    "timeout",
    "max_retries",
    "reuse_client",
    "default_headers",
}


class LlamaIndexEmbedder:
    """Queries go through ``get_query_embedding`` one by one, documents through the batch call.

    The fingerprint covers the class, ``model_name``, the serialisable config and a digest of
    the vector of a fixed canary text, so weights swapped behind an unchanged name are noticed.
    """

    def __init__(self, embed_model: BaseEmbedding, *, query_prompt: str = "", document_prompt: str = "") -> None:
        self.embed_model = embed_model
        self.query_prompt = query_prompt
        self.document_prompt = document_prompt
        self._canary: np.ndarray | None = None

    @property
    def dimension(self) -> int:
        return len(self._canary_vector())

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        vectors = [self.embed_model.get_query_embedding(self.query_prompt + t) for t in texts]
        return self._as_matrix(vectors, len(texts))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self._as_matrix([], 0)
        vectors = self.embed_model.get_text_embedding_batch([self.document_prompt + t for t in texts])
        return self._as_matrix(vectors, len(texts))

    def fingerprint(self) -> str:
        return stable_hash(
            {
                "embedder": "llamaindex",
                "class": self._class_path(),
                "model_name": self.embed_model.model_name,
                "config": self._config(),
                "query_prompt": self.query_prompt,
                "document_prompt": self.document_prompt,
                "canary": vector_digest(self._canary_vector()),
            }
        )

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "llamaindex",
            "class": self._class_path(),
            "model_name": str(self.embed_model.model_name),
            "dimension": self.dimension,
            "query_prompt": self.query_prompt,
            "document_prompt": self.document_prompt,
            "fingerprint": self.fingerprint(),
        }

    def _class_path(self) -> str:
        cls = type(self.embed_model)
        return f"{cls.__module__}.{cls.__qualname__}"

    def _config(self) -> dict[str, Any]:
        """Pydantic fields as JSON; an unserialisable value counts by its type (reprs hold addresses)."""
        return self.embed_model.model_dump(
            mode="json", exclude=_NON_VECTOR_FIELDS, fallback=lambda value: type(value).__qualname__
        )

    def _canary_vector(self) -> np.ndarray:
        if self._canary is None:
            self._canary = np.asarray(self.embed_model.get_text_embedding(CANARY_TEXT), dtype=np.float32)
        return self._canary

    def _as_matrix(self, vectors: Sequence[Sequence[float]], count: int) -> np.ndarray:
        if count == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.shape != (count, self.dimension):
            raise RagshiftError(
                f"{self._class_path()} returned vectors of shape {matrix.shape}, expected {(count, self.dimension)}"
            )
        return matrix
