import numpy as np
import pytest

from adapters.stores.chroma import ChromaIndex, ChromaStore
from harness.errors import ConfigError, FingerprintMismatch
from harness.testing.index_contract import DIM, FP, VectorIndexContract, sample


@pytest.fixture
def store(tmp_path):
    return ChromaStore(tmp_path / "chroma")


def open_index(store, name="rs-test", embedder=FP, **tags):
    return store.open_index(name, embedder_fingerprint=embedder, dimension=DIM, metadata=tags)


class TestChromaIndex(VectorIndexContract):
    @pytest.fixture
    def make_index(self, store):
        names = iter(f"rs-contract-{i}" for i in range(100))
        return lambda: open_index(store, next(names))

    @pytest.fixture
    def reopen_index(self, tmp_path, store):
        def reopen(index: ChromaIndex) -> ChromaIndex:
            # A new client object on the same folder: what a later process sees.
            again = ChromaStore(tmp_path / "chroma")
            return open_index(again, index.name)

        return reopen


def test_collection_uses_cosine_space_and_records_fingerprints(store):
    index = open_index(store, corpus="c1", chunker="k1")
    assert index.collection.configuration["hnsw"]["space"] == "cosine"
    assert index.metadata == {"corpus": "c1", "chunker": "k1", "ragshift:embedder": FP, "ragshift:dimension": DIM}


def test_other_embedder_fingerprint_is_refused_naming_both(store):
    open_index(store, embedder="emb-a")
    with pytest.raises(FingerprintMismatch, match="emb-b.*emb-a"):
        open_index(store, embedder="emb-b")


def test_other_tags_are_refused(store):
    open_index(store, corpus="c1")
    with pytest.raises(FingerprintMismatch, match="corpus"):
        open_index(store, corpus="c2")


def test_chroma_never_embeds_text_itself(store):
    index = open_index(store)
    chunks, vectors = sample(2)
    index.add(chunks, vectors, fingerprint=FP)
    with pytest.raises(RuntimeError, match="ragshift passes vectors explicitly"):
        index.collection.query(query_texts=["anything"], n_results=1)


def test_add_batches_above_the_client_limit(store):
    index = ChromaIndex(open_index(store).collection, batch_size=3)
    chunks, vectors = sample(8)
    index.add(chunks, vectors, fingerprint=FP)
    assert index.ids() == {c.chunk_id for c in chunks}
    index.remove([c.chunk_id for c in chunks[:7]])
    assert index.ids() == {chunks[7].chunk_id}


def test_needs_a_path_or_a_host():
    with pytest.raises(ConfigError, match="path.*host"):
        ChromaStore()


def test_query_scores_are_cosine_similarity(store):
    index = open_index(store)
    chunks, _ = sample(2)
    index.add(chunks, np.array([[1, 0, 0, 0], [1, 1, 0, 0]], dtype=np.float32), fingerprint=FP)
    hits = index.query(np.array([[1, 0, 0, 0]], dtype=np.float32), k=2, fingerprint=FP)[0]
    assert [h.score for h in hits] == pytest.approx([1.0, 2**-0.5], abs=1e-5)
