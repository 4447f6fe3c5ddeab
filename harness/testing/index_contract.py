"""``VectorIndexContract``: the behaviour every VectorIndex must show; real adapters subclass it too.

A subclass provides the fixture ``make_index``: a callable returning a new, empty index for
``DIM``-dimensional vectors. Indexes that persist also override ``reopen_index``: a callable taking
an index and returning a fresh handle on the same storage.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from ragshift.harness.testing.pytest_compat import fixture, pytest

from ragshift.harness.errors import FingerprintMismatch
from ragshift.harness.protocols import VectorIndex
from ragshift.harness.types import Chunk, Hit

DIM = 4
FP = "emb-contract"
"""The embedder fingerprint every contract index is opened for / written with."""


def sample(n: int, seed: int = 0) -> tuple[list[Chunk], np.ndarray]:
    """``n`` chunks over ``n // 2 + 1`` documents with random (seeded) vectors."""
    rng = np.random.default_rng(seed)
    chunks = [Chunk(f"d{i // 2}#{i % 2}", f"d{i // 2}", f"text {i}", position=i % 2) for i in range(n)]
    return chunks, rng.normal(size=(n, DIM)).astype(np.float32)


def brute_force_cosine(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    return q @ v.T


class VectorIndexContract:
    @fixture
    def reopen_index(self) -> Callable[[VectorIndex], VectorIndex] | None:
        return None

    def test_is_a_vector_index(self, make_index):
        assert isinstance(make_index(), VectorIndex)

    def test_empty_index(self, make_index):
        index = make_index()
        assert index.count() == 0
        assert index.ids() == set()
        assert index.query(np.ones((2, DIM), dtype=np.float32), k=3, fingerprint=FP) == [[], []]

    def test_no_query_vectors_no_results(self, make_index):
        index = make_index()
        chunks, vectors = sample(3)
        index.add(chunks, vectors, fingerprint=FP)
        assert index.query(np.zeros((0, DIM), dtype=np.float32), k=2, fingerprint=FP) == []

    def test_count_and_ids(self, make_index):
        index = make_index()
        chunks, vectors = sample(6)
        index.add(chunks, vectors, fingerprint=FP)
        assert index.count() == 6
        assert index.ids() == {c.chunk_id for c in chunks}

    def test_query_shape_and_hit_fields(self, make_index):
        index = make_index()
        chunks, vectors = sample(6)
        index.add(chunks, vectors, fingerprint=FP)
        results = index.query(vectors[:3], k=2, fingerprint=FP)
        assert [len(r) for r in results] == [2, 2, 2]
        by_id = {c.chunk_id: c for c in chunks}
        for hit in (h for r in results for h in r):
            assert isinstance(hit, Hit)
            chunk = by_id[hit.chunk_id]
            assert (hit.doc_id, hit.text) == (chunk.doc_id, chunk.text)
            assert hit.meta.get("position") == chunk.position

    def test_exact_duplicate_scores_highest_near_one(self, make_index):
        index = make_index()
        chunks, vectors = sample(8)
        index.add(chunks, vectors, fingerprint=FP)
        for i, hits in enumerate(index.query(vectors, k=8, fingerprint=FP)):
            assert hits[0].chunk_id == chunks[i].chunk_id
            assert hits[0].score == pytest.approx(1.0, abs=1e-4)
            scores = [h.score for h in hits]
            assert scores == sorted(scores, reverse=True)

    def test_opposite_vector_scores_lowest(self, make_index):
        index = make_index()
        chunks, vectors = sample(4)
        index.add(chunks, vectors, fingerprint=FP)
        hits = index.query(-vectors[:1], k=4, fingerprint=FP)[0]
        assert hits[-1].chunk_id == chunks[0].chunk_id
        assert hits[-1].score == pytest.approx(-1.0, abs=1e-4)

    def test_ranking_and_scores_match_brute_force_cosine(self, make_index):
        index = make_index()
        chunks, vectors = sample(30)
        _, queries = sample(5, seed=1)
        index.add(chunks, vectors, fingerprint=FP)
        expected = brute_force_cosine(vectors, queries)
        for row, hits in zip(expected, index.query(queries, k=5, fingerprint=FP)):
            order = np.argsort(-row)[:5]
            assert [h.chunk_id for h in hits] == [chunks[j].chunk_id for j in order]
            assert [h.score for h in hits] == pytest.approx(row[order].tolist(), abs=1e-4)

    def test_k_larger_than_count_returns_all(self, make_index):
        index = make_index()
        chunks, vectors = sample(3)
        index.add(chunks, vectors, fingerprint=FP)
        (hits,) = index.query(vectors[:1], k=10, fingerprint=FP)
        assert sorted(h.chunk_id for h in hits) == sorted(c.chunk_id for c in chunks)

    def test_re_adding_same_ids_upserts(self, make_index):
        index = make_index()
        chunks, vectors = sample(4)
        index.add(chunks, vectors, fingerprint=FP)
        changed = [Chunk(c.chunk_id, c.doc_id, c.text + " v2", c.position) for c in chunks]
        index.add(changed, vectors[::-1].copy(), fingerprint=FP)
        assert index.count() == 4
        (hits,) = index.query(vectors[:1], k=1, fingerprint=FP)
        assert (hits[0].chunk_id, hits[0].text) == (changed[3].chunk_id, changed[3].text)

    def test_mismatched_lengths_rejected(self, make_index):
        chunks, vectors = sample(3)
        with pytest.raises(ValueError):
            make_index().add(chunks, vectors[:2], fingerprint=FP)

    def test_persists_across_reopen(self, make_index, reopen_index):
        if reopen_index is None:
            pytest.skip("index is not persistent")
        index = make_index()
        chunks, vectors = sample(6)
        index.add(chunks, vectors, fingerprint=FP)
        before = index.query(vectors[:2], k=3, fingerprint=FP)
        reopened = reopen_index(index)
        assert reopened.count() == 6
        assert reopened.ids() == index.ids()
        assert [[h.chunk_id for h in r] for r in reopened.query(vectors[:2], k=3, fingerprint=FP)] == [
            [h.chunk_id for h in r] for r in before
        ]

    def test_write_with_another_fingerprint_is_refused_and_writes_nothing(self, make_index):
        index = make_index()
        chunks, vectors = sample(4)
        index.add(chunks[:2], vectors[:2], fingerprint=FP)
        with pytest.raises(FingerprintMismatch, match="emb-other"):
            index.add(chunks[2:], vectors[2:], fingerprint="emb-other")
        assert index.ids() == {c.chunk_id for c in chunks[:2]}
        assert index.embedder_fingerprint == FP

    def test_query_with_another_fingerprint_is_refused(self, make_index):
        index = make_index()
        chunks, vectors = sample(4)
        index.add(chunks, vectors, fingerprint=FP)
        with pytest.raises(FingerprintMismatch, match="emb-other"):
            index.query(vectors[:1], k=2, fingerprint="emb-other")
