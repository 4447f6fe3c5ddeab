"""The engine-neutral writer: cache first, only misses to the engine, idempotent batches, nothing lost silently."""

from __future__ import annotations

import numpy as np
import pytest

from ragshift.harness.cache import CachedEmbedder, EmbeddingCache
from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.shipping.reindex import LocalEngine, embed_into, reindex
from ragshift.harness.testing.embedders import KeywordEmbedder
from ragshift.harness.testing.engines import CONTRACT_VOCABULARY, EmbeddingEngineContract, ReplayingEngine
from ragshift.harness.testing.stores import ExactIndex
from ragshift.harness.types import Chunk

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
CHUNKS = [Chunk(f"c{i}", f"d{i}", f"{w} text {w}", 0) for i, w in enumerate(WORDS)] + [
    Chunk("c-dup", "d-dup", "alpha text alpha", 0)  # same text as c0: embedded once
]


class CountingIndex(ExactIndex):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def add(self, chunks, embeddings, *, fingerprint):
        self.writes += [c.chunk_id for c in chunks]
        super().add(chunks, embeddings, fingerprint=fingerprint)


@pytest.fixture
def cached(tmp_path) -> CachedEmbedder:
    return CachedEmbedder(KeywordEmbedder(WORDS), EmbeddingCache(tmp_path / "cache.sqlite"))


class TestLocalEngine(EmbeddingEngineContract):
    @pytest.fixture
    def make_engine(self):
        embedder = KeywordEmbedder(CONTRACT_VOCABULARY)
        return lambda: (LocalEngine(embedder), embedder)


class TestReplayingEngine(EmbeddingEngineContract):
    @pytest.fixture
    def make_engine(self):
        embedder = KeywordEmbedder(CONTRACT_VOCABULARY)
        return lambda: (ReplayingEngine(embedder), embedder)


def test_cached_texts_never_reach_the_engine_and_retried_batches_are_written_once(cached):
    cached.embed_documents([CHUNKS[1].text, CHUNKS[2].text])  # two vectors already in the cache
    engine, index = ReplayingEngine(cached.inner), CountingIndex()
    done = embed_into(index, CHUNKS, cached, engine=engine, batch_size=2)
    hashes = {text_hash(c.text) for c in CHUNKS}
    assert sorted(engine.sent) == sorted(hashes - {text_hash(CHUNKS[1].text), text_hash(CHUNKS[2].text)})
    assert (done.chunks, done.from_cache) == (len(CHUNKS), 2)
    assert sorted(index.writes) == sorted(c.chunk_id for c in CHUNKS)  # the replayed batch changed nothing
    assert index.hashes() == {c.chunk_id: text_hash(c.text) for c in CHUNKS}
    assert cached.cache.count(cached.fingerprint()) == len(hashes)
    expected = KeywordEmbedder(WORDS).embed_documents([c.text for c in CHUNKS])
    got = np.stack([index._vectors[c.chunk_id] for c in CHUNKS])
    np.testing.assert_allclose(got, expected / np.linalg.norm(expected, axis=1, keepdims=True), atol=1e-6)


def test_an_engine_that_loses_results_fails_and_the_rerun_embeds_only_those(cached):
    index = ExactIndex()
    with pytest.raises(RagshiftError, match="no vector for 2 of 8 texts"):
        reindex(CHUNKS, cached, index, batch_size=3, engine=ReplayingEngine(cached.inner, lose=2))
    assert index.count() == len(CHUNKS) - 2  # what arrived is written (c-dup rides along with c0)
    again = ReplayingEngine(cached.inner)
    stats = reindex(CHUNKS, cached, index, batch_size=3, engine=again)
    assert (stats.embedded, stats.unchanged, stats.from_cache) == (2, len(CHUNKS) - 2, 0)
    assert len(again.sent) == 2 and index.hashes() == {c.chunk_id: text_hash(c.text) for c in CHUNKS}


def test_an_uncached_embedder_goes_to_the_engine_whole():
    embedder, index = KeywordEmbedder(WORDS), ExactIndex()
    done = embed_into(index, CHUNKS, embedder, batch_size=4)
    assert (done.chunks, done.from_cache) == (len(CHUNKS), 0) and index.count() == len(CHUNKS)
