"""``VectorStoreContract``: the behaviour every VectorStore must show; real adapters subclass it too.

A subclass provides the fixture ``store``: a store to create collections in (it may hold others: a
shared server does). Stores that persist also override ``reopen_store``: a callable returning a fresh handle
on the same database (what a later process sees). Collections the store creates also pass the whole
``VectorIndexContract``.
"""

from __future__ import annotations

import uuid
from typing import Callable

from ragshift.harness.testing.pytest_compat import fixture, pytest

from ragshift.harness.errors import ConfigError, FingerprintMismatch, StoreBusy
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.protocols import DIMENSION_TAG, EMBEDDER_TAG, StoredIndex, VectorIndex, VectorStore
from ragshift.harness.shipping.aliases import promoted
from ragshift.harness.testing.index_contract import DIM, FP, VectorIndexContract, sample


def unique(prefix: str = "rs-contract") -> str:
    """A collection or alias name no other test (or run against the same server) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class VectorStoreContract(VectorIndexContract):
    @fixture
    def reopen_store(self) -> Callable[[], VectorStore] | None:
        return None

    @fixture
    def make_index(self, store):
        return lambda: store.create(unique(), embedder_fingerprint=FP, dimension=DIM, tags={})

    @fixture
    def reopen_index(self, reopen_store) -> Callable[[VectorIndex], VectorIndex] | None:
        if reopen_store is None:
            return None
        return lambda index: reopen_store().open(index.name)

    def test_is_a_vector_store_of_stored_indexes(self, store):
        assert isinstance(store, VectorStore)
        assert isinstance(store.create(unique(), embedder_fingerprint=FP, dimension=DIM, tags={}), StoredIndex)
        assert isinstance(store.location, str) and store.location

    def test_create_records_embedder_dimension_and_tags(self, store):
        name = unique()
        index = store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={"ragshift:corpus": "c1"})
        expected = {"ragshift:corpus": "c1", EMBEDDER_TAG: FP, DIMENSION_TAG: DIM}
        assert (index.name, index.tags, index.embedder_fingerprint) == (name, expected, FP)
        assert store.collections()[name] == expected
        assert store.open(name).tags == expected

    def test_create_again_opens_what_is_there(self, store):
        name = unique()
        chunks, vectors = sample(4)
        store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={"k": "v"}).add(chunks, vectors, fingerprint=FP)
        again = store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={"k": "v"})
        assert again.ids() == {c.chunk_id for c in chunks}

    def test_create_refuses_another_embedder_naming_both(self, store):
        name = unique()
        store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={})
        with pytest.raises(FingerprintMismatch, match=f"emb-other.*{FP}"):
            store.create(name, embedder_fingerprint="emb-other", dimension=DIM, tags={})

    def test_create_refuses_other_tags(self, store):
        name = unique()
        store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={"ragshift:corpus": "c1"})
        with pytest.raises(FingerprintMismatch, match="ragshift:corpus"):
            store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={"ragshift:corpus": "c2"})

    def test_open_never_creates_and_names_what_is_there(self, store):
        present, missing = unique(), unique("rs-missing")
        store.create(present, embedder_fingerprint=FP, dimension=DIM, tags={})
        with pytest.raises(ConfigError, match=f"no .*collection '{missing}'; collections present: .*{present}"):
            store.open(missing)
        assert missing not in store.collections()

    def test_update_tags_merges_and_is_seen_by_the_next_open(self, store):
        name = unique()
        store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={"a": "1"}).update_tags({"ragshift:complete": True})
        assert store.open(name).tags == {"a": "1", "ragshift:complete": True, EMBEDDER_TAG: FP, DIMENSION_TAG: DIM}

    def test_hashes_and_remove(self, store):
        index = store.create(unique(), embedder_fingerprint=FP, dimension=DIM, tags={})
        chunks, vectors = sample(4)
        index.add(chunks, vectors, fingerprint=FP)
        assert index.hashes() == {c.chunk_id: text_hash(c.text) for c in chunks}
        index.remove([chunks[0].chunk_id, "not-there"])
        assert index.ids() == {c.chunk_id for c in chunks[1:]}

    def test_drop_deletes_and_refuses_what_is_not_there(self, store):
        name = unique()
        store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={})
        store.drop(name)
        assert name not in store.collections()
        with pytest.raises(ConfigError, match=f"no .*collection '{name}'"):
            store.open(name)
        with pytest.raises(ConfigError, match=f"no .*collection '{name}'"):
            store.drop(name)

    def test_aliases_are_kept_and_are_not_collections(self, store):
        name, alias = unique(), unique("prod")
        store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={})
        before = set(store.collections())
        store.aliases().put(promoted(None, alias, name))
        assert store.aliases().get(alias).collection == name
        assert alias in {a.name for a in store.aliases().all()}
        assert set(store.collections()) == before

    def test_a_second_writer_is_refused_while_the_first_holds_the_lock(self, store):
        name = unique()
        with store.write_lock(name, what="first writer") as renew:
            renew()
            with pytest.raises(StoreBusy, match="first writer"):
                with store.write_lock(name, what="second writer"):
                    pass  # pragma: no cover - never reached
        with store.write_lock(name, what="third writer"):
            pass

    def test_collections_tags_and_aliases_persist_across_reopen(self, store, reopen_store):
        if reopen_store is None:
            pytest.skip("store is not persistent")
        name, alias = unique(), unique("prod")
        chunks, vectors = sample(3)
        store.create(name, embedder_fingerprint=FP, dimension=DIM, tags={"a": "1"}).add(chunks, vectors, fingerprint=FP)
        store.aliases().put(promoted(None, alias, name))
        again = reopen_store()
        assert again.open(name).tags == store.open(name).tags
        assert again.open(name).ids() == {c.chunk_id for c in chunks}
        assert again.aliases().get(alias).collection == name
