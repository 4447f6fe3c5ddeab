import numpy as np
import pytest

from ragshift.adapters.stores.chroma import ChromaIndex, ChromaStore
from ragshift.adapters.stores.registry import REGISTRY
from ragshift.harness.errors import ConfigError, FingerprintMismatch, StoreBusy
from ragshift.harness.protocols import DIMENSION_TAG, EMBEDDER_TAG
from ragshift.harness.shipping.aliases import promoted
from ragshift.harness.testing.index_contract import DIM, FP, sample
from ragshift.harness.testing.store_contract import VectorStoreContract


@pytest.fixture
def store(tmp_path):
    return ChromaStore(tmp_path / "chroma")


def create(store, name="rs-test", embedder=FP, **tags):
    return store.create(name, embedder_fingerprint=embedder, dimension=DIM, tags=tags)


class TestChromaStore(VectorStoreContract):
    @pytest.fixture
    def reopen_store(self, tmp_path):
        # A new client object on the same folder: what a later process sees.
        return lambda: ChromaStore(tmp_path / "chroma")


def test_collection_uses_cosine_space_and_records_fingerprints(store):
    index = create(store, corpus="c1", chunker="k1")
    assert index.collection.configuration["hnsw"]["space"] == "cosine"
    assert index.tags == {"corpus": "c1", "chunker": "k1", EMBEDDER_TAG: FP, DIMENSION_TAG: DIM}


def test_other_embedder_fingerprint_is_refused_naming_both(store):
    create(store, embedder="emb-a")
    with pytest.raises(FingerprintMismatch, match="emb-b.*emb-a"):
        create(store, embedder="emb-b")


def test_other_tags_are_refused(store):
    create(store, corpus="c1")
    with pytest.raises(FingerprintMismatch, match="corpus"):
        create(store, corpus="c2")


def test_chroma_never_embeds_text_itself(store):
    index = create(store)
    chunks, vectors = sample(2)
    index.add(chunks, vectors, fingerprint=FP)
    with pytest.raises(RuntimeError, match="ragshift passes vectors explicitly"):
        index.collection.query(query_texts=["anything"], n_results=1)


def test_add_batches_above_the_client_limit(store):
    index = ChromaIndex(create(store).collection, batch_size=3)
    chunks, vectors = sample(8)
    index.add(chunks, vectors, fingerprint=FP)
    assert index.ids() == {c.chunk_id for c in chunks}
    index.remove([c.chunk_id for c in chunks[:7]])
    assert index.ids() == {chunks[7].chunk_id}


def test_needs_a_path_or_a_host():
    with pytest.raises(ConfigError, match="path.*host"):
        ChromaStore()


def test_query_scores_are_cosine_similarity(store):
    index = create(store)
    chunks, _ = sample(2)
    index.add(chunks, np.array([[1, 0, 0, 0], [1, 1, 0, 0]], dtype=np.float32), fingerprint=FP)
    hits = index.query(np.array([[1, 0, 0, 0]], dtype=np.float32), k=2, fingerprint=FP)[0]
    assert [h.score for h in hits] == pytest.approx([1.0, 2**-0.5], abs=1e-5)


def test_hits_carry_the_stored_chunk_fields_but_not_the_bookkeeping(store):
    index = create(store)
    chunks, vectors = sample(2)
    index.add(chunks, vectors, fingerprint=FP)
    (hit,) = index.query(vectors[1:2], k=1, fingerprint=FP)[0]
    assert (hit.chunk_id, hit.meta) == (chunks[1].chunk_id, {"position": chunks[1].position})


def test_the_alias_registry_is_not_a_collection(store):
    create(store, "rs-a")
    store.aliases().put(promoted(None, "production", "rs-a"))
    assert REGISTRY in {c.name for c in store.client.list_collections()}
    assert set(store.collections()) == {"rs-a"}
    for refused in (store.open, store.drop):
        with pytest.raises(ConfigError, match=f"no Chroma collection '{REGISTRY}'"):
            refused(REGISTRY)
    with pytest.raises(ConfigError, match="alias registry"):
        create(store, REGISTRY)


def test_embedded_store_locks_the_whole_folder(store):
    with store.write_lock("rs-a", what="reindex rs-a"):
        with pytest.raises(StoreBusy, match="reindex rs-a"):
            with store.write_lock("rs-b"):
                pass  # pragma: no cover - never reached


def test_many_queries_times_k_are_split_under_sqlites_variable_limit(store, monkeypatch):
    import ragshift.adapters.stores.chroma as chroma

    index = create(store)
    chunks, vectors = sample(12)
    index.add(chunks, vectors, fingerprint=FP)
    queries = np.random.default_rng(1).normal(size=(7, DIM)).astype(np.float32)
    whole = index.query(queries, k=5, fingerprint=FP)
    monkeypatch.setattr(chroma, "_SQL_VARIABLES", 10)  # 2 queries a call
    split = index.query(queries, k=5, fingerprint=FP)
    assert [[h.chunk_id for h in hits] for hits in split] == [[h.chunk_id for h in hits] for hits in whole]
    assert len(split) == 7
