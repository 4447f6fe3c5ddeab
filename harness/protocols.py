"""The interfaces adapters implement. Runtime-checkable; keyword-only after the first argument."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from harness.types import Chunk, Document, Hit, Query

if TYPE_CHECKING:
    from harness.answers.sample import AnswerSample, Verdict

ChatMessages = Sequence[Mapping[str, str]]
"""OpenAI-style chat: ``[{"role": "system", "content": ...}, {"role": "user", "content": ...}]``."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors. Queries and documents may get different prompts."""

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` float32 array."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` float32 array."""
        ...

    def fingerprint(self) -> str:
        """Changes whenever any vector could change: weights, pooling, normalisation, prompts, length."""
        ...

    def describe(self) -> Mapping[str, Any]:
        """Human-readable provenance for the run card."""
        ...


def document_fingerprint(embedder: Embedder) -> str:
    """What an embedder's *document* vectors depend on: the key of stored vectors and collections.

    Equal to ``fingerprint()`` unless the embedder defines ``document_fingerprint()`` (a query-side
    adapter does: its documents are the base model's, so the base's index is reused as is).
    """
    method = getattr(embedder, "document_fingerprint", None)
    return method() if callable(method) else embedder.fingerprint()


@runtime_checkable
class Chunker(Protocol):
    def chunk(self, documents: Sequence[Document]) -> list[Chunk]: ...

    def fingerprint(self) -> str: ...


@runtime_checkable
class VectorIndex(Protocol):
    """Stores chunk vectors of ONE embedder; ``query`` returns higher-is-better scores, best first.

    Every write and every query names the (document) fingerprint of the embedder that made the
    vectors; an index refuses any other with ``FingerprintMismatch``, so two model versions can
    never be mixed in one index or queried across.
    """

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray, *, fingerprint: str) -> None: ...

    def query(self, embeddings: np.ndarray, *, k: int, fingerprint: str) -> list[list[Hit]]: ...

    @property
    def embedder_fingerprint(self) -> str | None:
        """The fingerprint whose vectors this index holds (``None``: nothing written yet)."""
        ...

    def count(self) -> int: ...

    def ids(self) -> set[str]: ...


@runtime_checkable
class Retriever(Protocol):
    """Answers queries with document-level hits, best first (a document scores as its best chunk)."""

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]: ...


@runtime_checkable
class Generator(Protocol):
    """Answers chat prompts with text (an LLM behind RAG)."""

    def generate(self, prompts: Sequence[ChatMessages]) -> list[str]:
        """One answer per prompt, in order; raises ``RagshiftError`` when the model cannot answer."""
        ...

    def fingerprint(self) -> str:
        """Changes whenever an answer could change: weights or endpoint, model, decoding settings."""
        ...

    def describe(self) -> Mapping[str, Any]: ...


@runtime_checkable
class Judge(Protocol):
    """Scores answer samples on named metrics (``"answer.rouge_l"``, ``"judge.faithfulness"``, ...).

    A sample it fails to score (error, timeout, unparsable verdict) gets ``Verdict.failed(...)``,
    never a made-up number.
    """

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metric labels this judge can score."""
        ...

    def score(self, metric: str, samples: Sequence[AnswerSample]) -> list[Verdict]: ...

    def fingerprint(self) -> str:
        """Changes whenever a verdict could change: endpoint, model, sampling, scoring library version."""
        ...

    def prompt_hash(self, metric: str) -> str:
        """Hash of the instructions ``metric`` sends to the judge (part of the verdict cache key)."""
        ...

    def describe(self) -> Mapping[str, Any]: ...


from collections.abc import Iterator  # noqa: E402  (kept with the one protocol that uses it)


@runtime_checkable
class EmbeddingEngine(Protocol):
    """Where corpus embedding runs: in this process, in a local process pool, or on a Ray cluster.

    ``embed`` takes ``(key, text)`` pairs (each key once) and yields finished batches as
    ``(keys, vectors)`` as soon as they are done, in any order; the vectors are what the embedder's
    ``embed_documents`` gives for those texts. A key may come back twice after a retried task:
    callers write idempotently (upserts keyed by chunk id and content hash).
    """

    def embed(self, items: Sequence[tuple[str, str]], *, batch_size: int) -> Iterator[tuple[list[str], np.ndarray]]: ...

    def describe(self) -> Mapping[str, Any]:
        """Where it runs and with how many workers, for logs and run cards."""
        ...
