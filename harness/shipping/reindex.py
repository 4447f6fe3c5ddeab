"""Re-embed a corpus into a collection incrementally: only chunks whose content hash has no vector yet.

Batches are written as they are embedded, so a killed run keeps every finished batch and a rerun
continues where it stopped (upserts by chunk id: nothing is duplicated). Chunks that left the corpus
are removed. Progress shows throughput and an ETA. The model work runs in an ``EmbeddingEngine``:
``LocalEngine`` here, a process pool or a Ray cluster from ``adapters/engines``; the embedding
cache, the writes and the progress stay in this process whatever the engine.
"""

from __future__ import annotations

import time
from contextlib import closing
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np
from rich.console import Console
from rich.progress import (
    BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
)
from rich.text import Text

from ragshift.harness.cache import CachedEmbedder
from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.protocols import Embedder, EmbeddingEngine, VectorIndex, document_fingerprint
from ragshift.harness.types import Chunk


@runtime_checkable
class ReindexTarget(Protocol):
    """A vector index that also reports each stored chunk's content hash and can delete chunks."""

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray, *, fingerprint: str) -> None: ...

    def remove(self, ids: Sequence[str]) -> None: ...

    def hashes(self) -> dict[str, str]: ...

    def count(self) -> int: ...


@dataclass(frozen=True)
class Plan:
    """What a reindex has to do: chunks to embed (new or changed) and stored ids to delete."""

    embed: tuple[Chunk, ...]
    remove: tuple[str, ...]
    unchanged: int

    @classmethod
    def of(cls, chunks: Sequence[Chunk], stored: dict[str, str]) -> Plan:
        wanted = {c.chunk_id for c in chunks}
        embed = tuple(c for c in chunks if stored.get(c.chunk_id) != text_hash(c.text))
        return cls(embed, tuple(sorted(set(stored) - wanted)), len(chunks) - len(embed))


@dataclass(frozen=True)
class ReindexStats:
    chunks: int
    unchanged: int
    embedded: int
    removed: int
    seconds: float
    chunks_per_second: float | None
    from_cache: int | None = None
    """Of the embedded chunks, how many vectors came from the embedding cache (no model work)."""

    def to_json(self) -> dict[str, float | int | None]:
        return asdict(self)

    def describe(self) -> str:
        rate = f", {self.chunks_per_second:.1f} chunks/s" if self.chunks_per_second else ""
        cached = f" ({self.from_cache} from the embedding cache)" if self.from_cache else ""
        return (
            f"{self.chunks} chunks: {self.embedded} embedded{cached}, {self.unchanged} already there, "
            f"{self.removed} removed in {self.seconds:.1f} s{rate}"
        )


def reindex(
    chunks: Sequence[Chunk],
    embedder: Embedder,
    target: ReindexTarget,
    *,
    batch_size: int = 64,
    console: Console | None = None,
    after_batch: Callable[[int], None] | None = None,
    engine: EmbeddingEngine | None = None,
) -> ReindexStats:
    """Bring ``target`` to exactly ``chunks`` embedded by ``embedder``; return what was done.

    ``engine`` runs the model work (default: this process); ``after_batch`` (a callable taking the
    number of chunks written so far) runs after each batch: the place to renew a lock lease.
    """
    started = time.perf_counter()
    plan = Plan.of(chunks, target.hashes())
    if plan.remove:
        target.remove(list(plan.remove))
    written = embed_into(
        target, plan.embed, embedder, engine=engine, batch_size=batch_size, console=console, after_batch=after_batch, log=True
    )
    return ReindexStats(
        chunks=len(chunks),
        unchanged=plan.unchanged,
        embedded=len(plan.embed),
        removed=len(plan.remove),
        seconds=round(time.perf_counter() - started, 3),
        chunks_per_second=round(len(plan.embed) / written.seconds, 2) if plan.embed and written.seconds > 0 else None,
        from_cache=written.from_cache,
    )


class LocalEngine:
    """The embedder's own ``embed_documents``, one batch after another in this process."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed(self, items: Sequence[tuple[str, str]], *, batch_size: int) -> Iterator[tuple[list[str], np.ndarray]]:
        for at in range(0, len(items), batch_size):
            part = items[at : at + batch_size]
            yield [key for key, _ in part], self.embedder.embed_documents([text for _, text in part])

    def describe(self) -> Mapping[str, Any]:
        return {"engine": "local", "processes": 1}


@dataclass(frozen=True)
class Written:
    chunks: int
    from_cache: int
    """Chunks whose vector the embedding cache already held (no model work)."""
    seconds: float


def embed_into(
    target: VectorIndex | ReindexTarget,
    chunks: Sequence[Chunk],
    embedder: Embedder,
    *,
    engine: EmbeddingEngine | None = None,
    batch_size: int = 64,
    console: Console | None = None,
    after_batch: Callable[[int], None] | None = None,
    log: bool = False,
) -> Written:
    """Write a vector for every chunk into ``target`` in batches, each as soon as it is ready.

    With a ``CachedEmbedder`` the cache is read here first and only texts it lacks go to ``engine``
    (each distinct text once); every batch the engine returns is stored in the cache and the target
    together. Writes are upserts by chunk id carrying the content hash, so a batch that arrives twice
    (a retried task) changes nothing, and a killed run keeps every batch written before it died.
    ``log`` prints a plain line per batch when the console is not a terminal (CI logs, pipes).
    """
    console = console or Console(quiet=True)
    fingerprint = document_fingerprint(embedder)
    cache = embedder.cache if isinstance(embedder, CachedEmbedder) else None
    engine = engine or LocalEngine(embedder.inner if isinstance(embedder, CachedEmbedder) else embedder)
    by_hash: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_hash.setdefault(text_hash(chunk.text), []).append(chunk)
    done, from_cache, t0 = 0, 0, time.perf_counter()

    def write(hashes: Sequence[str], vectors: np.ndarray) -> int:
        nonlocal done
        rows = [(chunk, vector) for h, vector in zip(hashes, vectors) for chunk in by_hash[h]]
        target.add([c for c, _ in rows], np.stack([v for _, v in rows]).astype(np.float32), fingerprint=fingerprint)
        done += len(rows)
        bar.advance(task, len(rows))
        if log and not console.is_terminal and not console.quiet:
            _log_line(console, done, len(chunks), time.perf_counter() - t0)
        if after_batch is not None:
            after_batch(done)
        return len(rows)

    with _progress(console) as bar:
        task = bar.add_task("re-embedding" if log else "embedding chunks", total=len(chunks))
        pending = dict.fromkeys(by_hash)
        if cache is not None:
            keys = list(by_hash)
            for at in range(0, len(keys), batch_size):
                found = cache.get(fingerprint, "d", keys[at : at + batch_size])
                if found:
                    from_cache += write(list(found), np.stack(list(found.values())))
                    for h in found:
                        del pending[h]
        items = [(h, by_hash[h][0].text) for h in pending]
        with closing(engine.embed(items, batch_size=batch_size)) as batches:
            for keys, vectors in batches:
                vectors = np.asarray(vectors, dtype=np.float32)
                if len(keys) != len(vectors):
                    raise RagshiftError(f"embedding engine returned {len(vectors)} vectors for {len(keys)} texts")
                fresh = [i for i, h in enumerate(keys) if h in pending]
                if not fresh:
                    continue  # a retried batch whose vectors are already written
                hashes, vectors = [keys[i] for i in fresh], vectors[fresh]
                if cache is not None:
                    cache.put(fingerprint, "d", hashes, vectors)
                write(hashes, vectors)
                for h in hashes:
                    pending.pop(h, None)
    if pending:
        raise RagshiftError(
            f"the embedding engine returned no vector for {len(pending)} of {len(by_hash)} texts; "
            "what it returned is written: run again to embed the rest"
        )
    if isinstance(embedder, CachedEmbedder):  # keep its counters true: run cards report them
        embedder.hits += from_cache
        embedder.misses += len(chunks) - from_cache
    return Written(len(chunks), from_cache, time.perf_counter() - t0)


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} chunks/s" if task.speed else "- chunks/s", style="progress.data.speed")


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )


def _log_line(console: Console, done: int, total: int, elapsed: float) -> None:
    """Plain progress for logs (CI, pipes): done/total, throughput, ETA."""
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = (total - done) / rate if rate > 0 else float("nan")
    console.print(f"re-embedding {done}/{total} chunks, {rate:.1f} chunks/s, ETA {eta:.0f} s")
