"""What an evaluated system costs to serve: query latency through the system as evaluated, and the
figures of a fresh uncached instance of its embedder (``ragshift.harness.cost.measure_cost``)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Sequence

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from ragshift.harness.config import EmbedderConfig, RunConfig
    from ragshift.harness.datasets import Dataset
    from ragshift.harness.systems import System


def time_queries(retriever: Any, queries: Sequence[Any], config: RunConfig) -> dict[str, float]:
    """p50/p95 of one query at a time through the system as evaluated (embedding cache on, cross-encoders
    scoring live), on the first ``[cost] latency_queries`` queries after ``[cost] warmup`` untimed ones."""
    from ragshift.harness.cost import percentile

    sample = list(queries[: config.cost.latency_queries])
    for q in sample[: config.cost.warmup]:
        retriever.retrieve([q], k=config.metrics.depth)
    times = []
    for q in sample:
        t0 = time.perf_counter()
        retriever.retrieve([q], k=config.metrics.depth)
        times.append(1000.0 * (time.perf_counter() - t0))
    if not times:
        return {}
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "n": len(times)}


def measure_system_cost(
    config: RunConfig, spec: EmbedderConfig, system: System, ds: Dataset, console: Console, *, name: str | None = None
) -> dict[str, Any]:
    """Run-card ``cost[<system>]``: latency, throughput and memory of a fresh uncached instance of the
    embedder on a small sample of ``ds`` (see ``ragshift.harness.cost``), next to how its index was built."""
    from ragshift.harness import systems as composition
    from ragshift.harness.cost import measure_cost, sample_chunks

    documents = list(ds.corpus.documents.values())
    chunks = sample_chunks(documents, system.chunker.chunk, config.cost.throughput_chunks, seed=config.run.seed)
    figures = measure_cost(
        lambda: composition.uncached_embedder(config, spec),
        queries=ds.queries,
        chunks=chunks,
        settings=config.cost,
        make_retriever=system.reopen,
        k=config.metrics.depth,
        seed=config.run.seed,
    )
    info = system.index_info
    figures["dataset"] = ds.name
    figures["corpus"] = {"documents": len(ds.corpus.documents), "chunks": info.get("chunks")}
    figures["index_build"] = {
        "seconds": info.get("seconds"),
        "collection": info.get("collection"),
        "reused": info.get("reused"),
        "chunks": info.get("chunks"),
        "added": info.get("added"),
        "embedded": info.get("cache_misses"),
        "from_cache": info.get("cache_hits"),
    }
    q, e, m = figures["query_encode"], figures["corpus_encode"], figures["memory"]
    latency = figures.get("query_latency") or {}
    console.print(
        f"cost [bold]{escape(name or spec.name)}[/]: query encode p50 {q['p50_ms']:.1f} ms / p95 {q['p95_ms']:.1f} ms, "
        f"query p50 {latency.get('p50_ms', float('nan')):.1f} ms, {e['chunks_per_s']:.1f} chunks/s, "
        f"peak +{m['peak_above_before_mb']:.0f} MB [dim](uncached, {q['n']} queries, {e['chunks']} chunks)[/]"
    )
    return figures
