"""Embedder over any server speaking the OpenAI ``POST /embeddings`` API (vLLM, TEI, Ollama, OpenAI)."""

from __future__ import annotations

import time
from typing import Any, Mapping, Sequence

import httpx
import numpy as np

from ragshift.adapters.embedders.canary import CANARY_TEXT, vector_digest
from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import stable_hash

_RETRYABLE = {408, 409, 429, 500, 502, 503, 504}
_MAX_WAIT = 30.0


class OpenAICompatibleEmbedder:
    """Sends ``{"model", "input": [...]}`` in batches; retries 429/5xx and connection errors with backoff.

    The fingerprint includes a digest of the server's vector for a fixed canary text, so a model
    swapped behind the same URL and name changes it.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        dimensions: int | None = None,
        query_prompt: str = "",
        document_prompt: str = "",
        batch_size: int = 64,
        timeout: float = 30.0,
        normalize: bool = False,
        max_retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        if batch_size < 1:
            raise RagshiftError(f"batch_size must be positive, got {batch_size}")
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/embeddings"
        self.model = model
        self.api_key = api_key
        self.dimensions = dimensions
        self.query_prompt = query_prompt
        self.document_prompt = document_prompt
        self.batch_size = batch_size
        self.timeout = timeout
        self.normalize = normalize
        self.max_retries = max_retries
        self.backoff = backoff
        self._canary: np.ndarray | None = None

    @property
    def dimension(self) -> int:
        return self.dimensions or len(self._canary_vector())

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.query_prompt + t for t in texts])

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed([self.document_prompt + t for t in texts])

    def fingerprint(self) -> str:
        return stable_hash(
            {
                "embedder": "openai-compatible",
                "base_url": self.base_url,
                "model": self.model,
                "dimensions": self.dimensions,
                "normalize": self.normalize,
                "query_prompt": self.query_prompt,
                "document_prompt": self.document_prompt,
                "canary": vector_digest(self._canary_vector()),
            }
        )

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "openai-compatible",
            "base_url": self.base_url,
            "model": self.model,
            "dimension": self.dimension,
            "normalize": self.normalize,
            "query_prompt": self.query_prompt,
            "document_prompt": self.document_prompt,
            "fingerprint": self.fingerprint(),
        }

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._client() as client:
            parts = [self._post(client, texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        vectors = np.concatenate(parts)
        if self.normalize:
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.where(norms == 0, 1.0, norms)
        return vectors.astype(np.float32, copy=False)

    def _canary_vector(self) -> np.ndarray:
        if self._canary is None:
            with self._client() as client:
                self._canary = self._post(client, [CANARY_TEXT])[0]
        return self._canary

    def _client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        return httpx.Client(timeout=self.timeout, headers=headers)

    def _post(self, client: httpx.Client, texts: list[str]) -> np.ndarray:
        body: dict[str, Any] = {"model": self.model, "input": texts}
        if self.dimensions is not None:
            body["dimensions"] = self.dimensions
        for attempt in range(self.max_retries + 1):
            last = attempt == self.max_retries
            try:
                response = client.post(self.url, json=body)
            except httpx.TransportError as exc:
                if last:
                    raise RagshiftError(f"POST {self.url} failed after {attempt + 1} tries: {exc!r}") from exc
                time.sleep(self._wait(attempt, None))
                continue
            if response.status_code not in _RETRYABLE or last:
                break
            time.sleep(self._wait(attempt, response))
        if response.is_error:
            raise RagshiftError(f"POST {self.url} returned HTTP {response.status_code}: {response.text[:300]}")
        return self._parse(response, len(texts))

    def _wait(self, attempt: int, response: httpx.Response | None) -> float:
        """Exponential backoff, or the server's numeric Retry-After (capped)."""
        retry_after = response.headers.get("retry-after", "") if response is not None else ""
        wait = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else self.backoff * 2**attempt
        return min(wait, _MAX_WAIT)

    def _parse(self, response: httpx.Response, count: int) -> np.ndarray:
        try:
            items = sorted(response.json()["data"], key=lambda item: item["index"])
            vectors = np.asarray([item["embedding"] for item in items], dtype=np.float32)
            indices = [item["index"] for item in items]
        except (ValueError, KeyError, TypeError) as exc:
            raise RagshiftError(f"POST {self.url} returned a malformed embeddings response: {exc!r}") from exc
        if indices != list(range(count)) or vectors.ndim != 2:
            raise RagshiftError(
                f"POST {self.url} returned {len(indices)} embeddings (indices {indices[:5]}...) for {count} inputs"
            )
        if self.dimensions is not None and vectors.shape[1] != self.dimensions:
            raise RagshiftError(f"POST {self.url} returned {vectors.shape[1]}-d vectors, asked for {self.dimensions}")
        return vectors
