import numpy as np
import pytest

from ragshift.harness.testing.index_contract import DIM, VectorIndexContract
from ragshift.harness.testing.store_contract import VectorStoreContract
from ragshift.harness.testing.stores import ExactIndex, MemoryStore
from ragshift.harness.types import Chunk


class TestExactIndex(VectorIndexContract):
    @pytest.fixture
    def make_index(self):
        return ExactIndex


class TestMemoryStore(VectorStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryStore()


def test_ties_break_by_chunk_id():
    index = ExactIndex()
    chunks = [Chunk(cid, "d", cid) for cid in ("c", "a", "b")]
    index.add(chunks, np.ones((3, DIM), dtype=np.float32), fingerprint="e")
    assert [h.chunk_id for h in index.query(np.ones((1, DIM)), k=3, fingerprint="e")[0]] == ["a", "b", "c"]


def test_zero_vector_scores_zero_instead_of_nan():
    index = ExactIndex()
    index.add([Chunk("z", "d", "t")], np.zeros((1, DIM), dtype=np.float32), fingerprint="e")
    assert index.query(np.ones((1, DIM)), k=1, fingerprint="e")[0][0].score == 0.0
