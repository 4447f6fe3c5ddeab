"""``ragshift reindex``: re-embed the configured corpus with one configured embedder into its serving collection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape

from ragshift.harness import stages
from ragshift.harness.config import RunConfig
from ragshift.harness.protocols import document_fingerprint
from ragshift.harness.recorded_model import MODEL, model_tag
from ragshift.harness.shipping import collections as col
from ragshift.harness.shipping.aliases import now
from ragshift.harness.shipping.reindex import ReindexStats, reindex


@dataclass(frozen=True)
class ReindexResult:
    collection: str
    fingerprint: str
    stats: ReindexStats

    def to_json(self) -> dict[str, Any]:
        return {"collection": self.collection, "fingerprint": self.fingerprint, **self.stats.to_json()}


def run_reindex(
    config: RunConfig,
    embedder_name: str | None = None,
    *,
    collection: str | None = None,
    batch_size: int | None = None,
    engine: str | None = None,
    wait: float = 0.0,
    console: Console | None = None,
) -> ReindexResult:
    """Embed what the serving collection lacks (new or changed chunks), drop what left the corpus,
    then mark it complete with the chunk count and corpus fingerprint ``promote`` checks.

    ``engine`` ("local" | "ray") and ``batch_size`` override the config's ``[engine]`` section.
    """
    from ragshift.harness.corpus import load_section
    from ragshift.harness.systems import build_chunker, embedding_engine, load_embedder, open_store

    console = console or Console(quiet=True)
    if engine is not None:
        config = config.model_copy(update={"engine": config.engine.model_copy(update={"kind": engine})})
    spec = col.config_spec(config, embedder_name)
    corpus = load_section(config.corpus)  # documents only: re-embedding needs no queries, qrels or answers
    if corpus.skipped_empty:
        console.print(f"[yellow]warning[/]: {escape(corpus.skipped_warning() or '')}")
    chunker = build_chunker(config)
    embedder = load_embedder(config, spec, console=console)
    fingerprint = document_fingerprint(embedder)
    name = collection or col.serving_name(corpus.name, chunker.fingerprint(), fingerprint)
    chunks = chunker.chunk(list(corpus.documents.values()))
    store = open_store(config.store)
    with store.write_lock(name, wait=wait, what=f"reindex {name}") as renew:
        index = store.create(
            name, embedder_fingerprint=fingerprint, dimension=embedder.dimension,
            tags=col.fixed_tags(corpus.name, chunker.fingerprint()),
        )
        index.update_tags({MODEL: model_tag(spec), col.COMPLETE: False})
        console.print(f"reindex [bold]{escape(name)}[/] with {escape(spec.name)} (fingerprint {fingerprint}): {len(chunks)} chunks")
        stages.enter(f"reindex of {name}", f"every batch written to {name} so far (not marked complete); rerun `ragshift reindex` to continue")
        engine_used = embedding_engine(config, spec, embedder, console=console)
        stats = reindex(
            chunks, embedder, index, batch_size=batch_size or config.engine.batch_size, console=console,
            after_batch=lambda _: renew(), engine=engine_used,
        )
        tags = {col.COMPLETE: True, col.CHUNKS: len(chunks), col.CORPUS_FP: corpus.documents_fingerprint, col.INDEXED_AT: now()}
        if stats.chunks_per_second and not stats.from_cache:  # a model throughput, not cache reads
            tags[col.RATE] = stats.chunks_per_second
        index.update_tags(tags)
    where = engine_used.describe()
    if where != {"engine": "local", "processes": 1} and stats.embedded > (stats.from_cache or 0):
        console.print(f"engine {where['engine']}: " + ", ".join(f"{k}={v}" for k, v in where.items() if k != "engine"))
    console.print(f"[bold green]done[/]: {stats.describe()}")
    return ReindexResult(name, fingerprint, stats)
