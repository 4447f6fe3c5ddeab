"""Re-embed a corpus into a collection incrementally: only chunks whose content hash has no vector yet.

Batches are written as they are embedded, so a killed run keeps every finished batch and a rerun
continues where it stopped (upserts by chunk id: nothing is duplicated). Chunks that left the corpus
are removed. Progress shows throughput and an ETA.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np
from rich.console import Console
from rich.progress import (
    BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
)
from rich.text import Text

from harness.fingerprint import text_hash
from harness.protocols import Embedder, document_fingerprint
from harness.types import Chunk


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
) -> ReindexStats:
    """Bring ``target`` to exactly ``chunks`` embedded by ``embedder``; return what was done.

    ``after_batch`` (a callable taking the number of chunks written so far) runs after each batch:
    the place to renew a lock lease or report progress elsewhere.
    """
    console = console or Console(quiet=True)
    started = time.perf_counter()
    fingerprint = document_fingerprint(embedder)
    plan = Plan.of(chunks, target.hashes())
    hits_before = getattr(embedder, "hits", 0)
    if plan.remove:
        target.remove(list(plan.remove))
    done = 0
    t0 = time.perf_counter()
    with _progress(console) as bar:
        task = bar.add_task("re-embedding", total=len(plan.embed))
        for at in range(0, len(plan.embed), batch_size):
            part = plan.embed[at : at + batch_size]
            target.add(part, embedder.embed_documents([c.text for c in part]), fingerprint=fingerprint)
            done += len(part)
            bar.advance(task, len(part))
            if not console.is_terminal and not console.quiet:
                _log_line(console, done, len(plan.embed), time.perf_counter() - t0)
            if after_batch is not None:
                after_batch(done)
    embed_s = time.perf_counter() - t0
    stats = ReindexStats(
        chunks=len(chunks),
        unchanged=plan.unchanged,
        embedded=len(plan.embed),
        removed=len(plan.remove),
        seconds=round(time.perf_counter() - started, 3),
        chunks_per_second=round(len(plan.embed) / embed_s, 2) if plan.embed and embed_s > 0 else None,
    )
    hits = getattr(embedder, "hits", None)  # a CachedEmbedder counts what it served without the model
    return replace(stats, from_cache=hits - hits_before) if isinstance(hits, int) else stats


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
