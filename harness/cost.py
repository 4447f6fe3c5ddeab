"""Latency and cost of one embedder, measured on a small sample with the embedding cache bypassed.

What is measured (``measure_cost``), for one system, in this order and inside one memory window:

* cold start: building a fresh, uncached embedder and encoding the first query (model load included);
* query-encode latency: ``latency_queries`` calls of ``embed_queries([one query])``, after ``warmup``;
* corpus-encode throughput: ``throughput_chunks`` chunks encoded in calls of ``INDEX_BATCH`` (the index
  build's batch), after one untimed batch;
* query latency: ``latency_queries`` calls of ``retriever.retrieve([one query])`` (encode + search) through
  a retriever on the system's own index whose embedder is the fresh one;
* memory: peak RSS during all of the above above the RSS just before the embedder was built (sampled by
  a thread), plus parameter bytes when the embedder exposes them (optional ``parameter_bytes()``).

The embedder is built by ``make_embedder`` (in a run: the configured adapter without any cache), so no
vector comes from the embedding cache: every timed call is real model work. If the first pass imported
modules (a library loaded for the first time in this process), the pass is repeated once, so one
system does not pay another's import cost. Nothing here imports torch; model work goes through the
Embedder interface.
"""

from __future__ import annotations

import gc
import math
import random
import sys
import threading
import time
from typing import Any, Callable, Iterator, Sequence

import numpy as np
from pydantic import Field

from ragshift.harness.protocols import Embedder, Retriever
from ragshift.harness.sections import Section
from ragshift.harness.types import Chunk, Document, Query

INDEX_BATCH = 64
"""Chunks per encode call, as ``ragshift.harness.indexing.build_index`` embeds a corpus."""
SAMPLE_EVERY_S = 0.005
MB = 1024 * 1024


class CostSettings(Section):
    """``[cost]``: latency and cost of every embedder, measured on a small sample without the cache."""

    enabled: bool = Field(True, description="Measure latency and cost of every embedder in eval / run.")
    latency_queries: int = Field(
        50, ge=2, le=100_000,
        description="Timed single-query calls (encode, and retrieve); judged queries repeat when fewer.",
    )
    throughput_chunks: int = Field(
        128, ge=1, le=1_000_000, description="Chunks encoded in batches to measure corpus throughput."
    )
    warmup: int = Field(3, ge=0, le=1_000, description="Untimed single-query calls before each timed series.")
    corpus_documents: int = Field(
        1_000_000, ge=1, description="Documents of the production corpus, for the re-embedding estimate."
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; NaN for no values."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if len(values) else math.nan


def latency_summary(seconds: Sequence[float]) -> dict[str, float | int]:
    """``{"n", "p50_ms", "p95_ms", "mean_ms", "max_ms"}`` of per-call durations given in seconds."""
    ms = [1000.0 * s for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "mean_ms": float(np.mean(ms)) if ms else math.nan,
        "max_ms": max(ms) if ms else math.nan,
    }


def parameter_bytes(embedder: Embedder) -> int | None:
    """Bytes of the model's parameters when the embedder says (optional ``parameter_bytes()``), else None."""
    method = getattr(embedder, "parameter_bytes", None)
    if not callable(method):
        return None
    value = method()
    return int(value) if value is not None else None


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


class PeakRss:
    """Context manager: RSS when entered and the peak seen by a sampling thread until it exits."""

    def __init__(self, every_s: float = SAMPLE_EVERY_S) -> None:
        self.every_s = every_s
        self.before = 0
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PeakRss:
        gc.collect()
        self.before = self.peak = _rss()
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, name="ragshift-rss", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak = max(self.peak, _rss())

    def _sample(self) -> None:
        while not self._stop.wait(self.every_s):
            self.peak = max(self.peak, _rss())

    @property
    def above_before(self) -> int:
        return max(0, self.peak - self.before)


def cycle(items: Sequence[Any], n: int, *, seed: int) -> list[Any]:
    """``n`` items: a seeded shuffle of ``items``, repeated as often as needed (empty when no items)."""
    if not items or n <= 0:
        return []
    order = list(items)
    random.Random(seed).shuffle(order)
    return [order[i % len(order)] for i in range(n)]


def sample_chunks(documents: Sequence[Document], chunk: Callable[[list[Document]], list[Chunk]], n: int, *, seed: int) -> list[Chunk]:
    """Up to ``n`` chunks of a seeded sample of documents (documents are chunked 32 at a time until enough)."""
    order = list(documents)
    random.Random(seed).shuffle(order)
    found: list[Chunk] = []
    for at in range(0, len(order), 32):
        found.extend(chunk(order[at : at + 32]))
        if len(found) >= n:
            break
    return found[:n]


def _timed(call: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def _batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for at in range(0, len(items), size):
        yield items[at : at + size]


def _measure_once(
    make_embedder: Callable[[], Embedder],
    make_retriever: Callable[[Embedder], Retriever] | None,
    queries: Sequence[Query],
    chunk_texts: Sequence[str],
    *,
    k: int,
    warmup: int,
) -> dict[str, Any]:
    with PeakRss() as memory:
        t0 = time.perf_counter()
        embedder = make_embedder()
        embedder.embed_queries([queries[0].text])
        cold_start = time.perf_counter() - t0
        for q in queries[:warmup]:
            embedder.embed_queries([q.text])
        encode = [_timed(lambda q=q: embedder.embed_queries([q.text])) for q in queries]

        if warmup:
            embedder.embed_documents(list(chunk_texts[:INDEX_BATCH]))
        t0 = time.perf_counter()
        for part in _batches(chunk_texts, INDEX_BATCH):
            embedder.embed_documents(list(part))
        encode_s = time.perf_counter() - t0

        retrieve: list[float] = []
        if make_retriever is not None:
            retriever = make_retriever(embedder)
            for q in queries[:warmup]:
                retriever.retrieve([q], k=k)
            retrieve = [_timed(lambda q=q: retriever.retrieve([q], k=k)) for q in queries]
            del retriever
    params = parameter_bytes(embedder)
    del embedder
    gc.collect()
    chars = sum(len(t) for t in chunk_texts)
    return {
        "cold_start_s": cold_start,
        "query_encode": latency_summary(encode),
        "corpus_encode": {
            "chunks": len(chunk_texts),
            "batch_size": INDEX_BATCH,
            "seconds": encode_s,
            "chunks_per_s": len(chunk_texts) / encode_s if encode_s > 0 else math.nan,
            "chars_per_s": chars / encode_s if encode_s > 0 else math.nan,
            "mean_chunk_chars": chars / len(chunk_texts) if chunk_texts else math.nan,
        },
        "query_latency": {**latency_summary(retrieve), "k": k} if make_retriever is not None else None,
        "memory": {
            "rss_before_mb": memory.before / MB,
            "rss_peak_mb": memory.peak / MB,
            "peak_above_before_mb": memory.above_before / MB,
            "parameter_bytes": params,
            "sample_every_ms": 1000.0 * SAMPLE_EVERY_S,
        },
    }


def measure_cost(
    make_embedder: Callable[[], Embedder],
    *,
    queries: Sequence[Query],
    chunks: Sequence[Chunk],
    settings: CostSettings,
    make_retriever: Callable[[Embedder], Retriever] | None = None,
    k: int = 10,
    seed: int = 0,
) -> dict[str, Any]:
    """Latency, throughput and memory of the embedder ``make_embedder`` builds (see the module doc).

    ``make_embedder`` must return an embedder that does not consult any cache; it is called once per
    pass and the embedder dropped afterwards. ``make_retriever(embedder)`` opens a retriever over the
    system's index that encodes queries with that embedder. Queries and chunks repeat (seeded order)
    when fewer than asked for are given.
    """
    if not queries:
        raise ValueError("measure_cost needs at least one query")
    if not chunks:
        raise ValueError("measure_cost needs at least one chunk")
    timed_queries = cycle(queries, settings.latency_queries, seed=seed)
    texts = [c.text for c in cycle(chunks, settings.throughput_chunks, seed=seed)]
    args = (make_embedder, make_retriever, timed_queries, texts)
    loaded = len(sys.modules)
    figures = _measure_once(*args, k=k, warmup=settings.warmup)
    imported = len(sys.modules) - loaded
    if imported > 0:
        figures = _measure_once(*args, k=k, warmup=settings.warmup)
    figures["memory"]["repeated_after_imports"] = imported
    figures["sample"] = {
        "queries": len(timed_queries),
        "distinct_queries": len({q.qid for q in queries}),
        "chunks": len(texts),
        "distinct_chunks": len({c.chunk_id for c in chunks}),
        "warmup": settings.warmup,
        "seed": seed,
    }
    return figures
