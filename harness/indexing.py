"""``build_index``: a corpus into its collection of a VectorStore once, embedding only the chunks it lacks
(``ragshift.harness.retrieval`` queries it)."""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager
from time import perf_counter
from typing import Any, Callable, Sequence

from rich.console import Console

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.naming import collection_name
from ragshift.harness.protocols import Chunker, Embedder, EmbeddingEngine, StoredIndex, VectorStore, document_fingerprint
from ragshift.harness.shipping.reindex import embed_into


def build_index(
    corpus: Corpus,
    *,
    chunker: Chunker,
    embedder: Embedder,
    store: VectorStore,
    console: Console | None = None,
    batch_size: int = 64,
    lock: Callable[[str], AbstractContextManager[Any]] | None = None,
    engine: EmbeddingEngine | None = None,
) -> tuple[StoredIndex, dict[str, Any]]:
    """Open the collection named by the three fingerprints; embed and upsert only missing chunks.

    A complete collection is reused without embedding anything (and without ``lock``); creating or
    completing one happens inside ``lock(collection name)``, the store's write lock.
    Returns the index and stats: collection, chunks, reused, added, seconds. ``engine`` runs the
    model work (default: this process), through the same loop as ``ragshift reindex``.
    """
    start = perf_counter()
    corpus_fp, chunker_fp, embedder_fp = corpus.documents_fingerprint, chunker.fingerprint(), document_fingerprint(embedder)
    name = collection_name(corpus_fp, chunker_fp, embedder_fp)

    def create() -> StoredIndex:
        return store.create(
            name,
            embedder_fingerprint=embedder_fp,
            dimension=embedder.dimension,
            tags={"ragshift:corpus": corpus_fp, "ragshift:chunker": chunker_fp},
        )

    chunks = chunker.chunk(list(corpus.documents.values()))
    wanted = {c.chunk_id for c in chunks}
    index = create() if lock is None or name in store.collections() else None
    present = index.ids() if index is not None else set()
    missing = [c for c in chunks if c.chunk_id not in present]
    if index is None or present != wanted:
        with lock(name) if lock is not None else contextlib.nullcontext():
            index = create()
            present = index.ids()  # another writer may have finished it meanwhile
            missing = [c for c in chunks if c.chunk_id not in present]
            if stale := sorted(present - wanted):
                index.remove(stale)
            if missing:
                embed_into(index, missing, embedder, engine=engine, batch_size=batch_size, console=console)
    stats = {
        "collection": index.name,
        "chunks": len(chunks),
        "reused": present == wanted,
        "added": len(missing),
        "seconds": perf_counter() - start,
    }
    return index, stats
