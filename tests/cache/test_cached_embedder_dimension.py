"""A fully cached embedder answers ``dimension`` without touching the wrapped model."""

from __future__ import annotations

from ragshift.harness.cache import CachedEmbedder, EmbeddingCache
from ragshift.harness.testing.embedders import KeywordEmbedder


class _NoDimension(KeywordEmbedder):
    asked = 0

    @property
    def dimension(self) -> int:
        type(self).asked += 1
        return super().dimension


def test_dimension_comes_from_the_cache_once_vectors_are_stored(tmp_path):
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    first = CachedEmbedder(_NoDimension(["alpha", "beta"]), cache)
    first.embed_documents(["alpha text"])
    _NoDimension.asked = 0
    second = CachedEmbedder(_NoDimension(["alpha", "beta"]), cache)
    assert second.dimension == 3
    assert _NoDimension.asked == 0
    assert cache.dimension("no-such-fingerprint") is None
