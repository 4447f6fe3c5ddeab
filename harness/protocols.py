"""The interfaces adapters implement. Runtime-checkable; keyword-only after the first argument."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from ragshift.harness.errors import FingerprintMismatch
from ragshift.harness.types import Chunk, Document, Hit, Query

if TYPE_CHECKING:
    from ragshift.harness.answers.sample import AnswerSample, JudgeVerdict
    from ragshift.harness.shipping.aliases import AliasStore

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

    A sample it fails to score (error, timeout, unparsable verdict) gets ``JudgeVerdict.failed(...)``,
    never a made-up number.
    """

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metric labels this judge can score."""
        ...

    def score(self, metric: str, samples: Sequence[AnswerSample]) -> list[JudgeVerdict]: ...

    def fingerprint(self) -> str:
        """Changes whenever a verdict could change: endpoint, model, sampling, scoring library version."""
        ...

    def prompt_hash(self, metric: str) -> str:
        """Hash of the instructions ``metric`` sends to the judge (part of the verdict cache key)."""
        ...

    def describe(self) -> Mapping[str, Any]: ...


# --- Vector stores: named, tagged collections and the alias registry --------------------------------

EMBEDDER_TAG = "ragshift:embedder"
"""Tag of every collection: the (document) fingerprint of the embedder whose vectors it holds."""
DIMENSION_TAG = "ragshift:dimension"


@runtime_checkable
class StoredIndex(VectorIndex, Protocol):
    """A VectorIndex a VectorStore keeps under a name, with tags (str → str / int / float / bool) that
    describe it: ``EMBEDDER_TAG`` and ``DIMENSION_TAG`` always, others as the writer sets them."""

    @property
    def name(self) -> str: ...

    @property
    def tags(self) -> dict[str, Any]: ...

    def update_tags(self, tags: Mapping[str, Any]) -> None:
        """Merge ``tags`` into the stored ones (e.g. completion state after a reindex)."""
        ...

    def remove(self, ids: Sequence[str]) -> None: ...

    def hashes(self) -> dict[str, str]:
        """Chunk id → sha256 of the text its vector was made from ("" where none was recorded)."""
        ...


@runtime_checkable
class VectorStore(Protocol):
    """One database of collections (one embedder each) and of the aliases that point at them.

    Nothing outside the store's adapter reaches the database's own client: collections are listed,
    created, opened and dropped here, and queried through ``VectorIndex.query`` (cosine similarity,
    higher is better; only the adapter ever sees a distance).
    """

    @property
    def location(self) -> str:
        """The folder or the URL, for messages."""
        ...

    def collections(self) -> dict[str, dict[str, Any]]:
        """Name → tags of every collection (the alias registry is not one)."""
        ...

    def open(self, name: str) -> StoredIndex:
        """An existing collection, never created; ``ConfigError`` naming those present when absent."""
        ...

    def create(self, name: str, *, embedder_fingerprint: str, dimension: int, tags: Mapping[str, Any]) -> StoredIndex:
        """Create ``name``, or open it when it exists with the same embedder, dimension and ``tags``;
        ``FingerprintMismatch`` naming both when it was written by another embedder or with other tags."""
        ...

    def drop(self, name: str) -> None:
        """Delete a collection; ``ConfigError`` when absent."""
        ...

    def aliases(self) -> AliasStore: ...

    def write_lock(self, collection: str, *, wait: float = 0.0, what: str = "") -> ContextManager[Callable[[], None]]:
        """Hold the right to write ``collection`` (``StoreBusy`` naming the holder after ``wait`` seconds);
        yields ``renew()``, to call between batches of a long write."""
        ...


def collection_tags(tags: Mapping[str, Any], *, embedder_fingerprint: str, dimension: int) -> dict[str, Any]:
    """The tags ``VectorStore.create`` records: the asked ones plus embedder and dimension."""
    return {**tags, EMBEDDER_TAG: embedder_fingerprint, DIMENSION_TAG: dimension}


def require_collection_tags(name: str, recorded: Mapping[str, Any], wanted: Mapping[str, Any]) -> None:
    """What ``VectorStore.create`` refuses when ``name`` exists: vectors of another embedder (naming both),
    or any asked tag recorded otherwise."""
    if recorded.get(EMBEDDER_TAG) != wanted[EMBEDDER_TAG]:
        raise FingerprintMismatch(
            f"refusing to use collection {name!r} with embedder {wanted[EMBEDDER_TAG]!r}: it holds vectors of embedder "
            f"{recorded.get(EMBEDDER_TAG)!r}; another model version needs its own collection (`ragshift reindex`)"
        )
    differing = {key: (recorded.get(key), value) for key, value in wanted.items() if recorded.get(key) != value}
    if differing:
        raise FingerprintMismatch(f"collection {name!r} was built with other settings (recorded, asked): {differing}")


@runtime_checkable
class CrossScorer(Protocol):
    """Scores (query, passage) pairs jointly, e.g. a cross-encoder: a reranker or a teacher.

    Scores are raw and higher-is-better (a logit, not a probability); a pair's score does not depend
    on the other pairs of the call.
    """

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """One finite float per ``(query, passage)`` pair, in order."""
        ...

    def fingerprint(self) -> str:
        """Changes whenever a score could change: weights, tokenizer, maximum length, activation."""
        ...

    def describe(self) -> Mapping[str, Any]: ...


@runtime_checkable
class RetrievalSystem(Retriever, Protocol):
    """A Retriever that says what it is: the unit a run evaluates (dense, bm25, hybrid, rerank)."""

    def fingerprint(self) -> str:
        """Changes whenever a ranking could change: models, parameters, corpus, parts."""
        ...

    def describe(self) -> Mapping[str, Any]: ...


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
