"""ChromaStore over a Chroma server (``chroma run``) passes the same contract as the embedded one."""

from __future__ import annotations

import uuid

import pytest

from ragshift.adapters.stores.chroma import ChromaIndex, ChromaStore
from ragshift.harness.testing.index_contract import DIM, FP, sample
from ragshift.harness.testing.store_contract import VectorStoreContract


def create(store: ChromaStore, name: str, **tags) -> ChromaIndex:
    return store.create(name, embedder_fingerprint=FP, dimension=DIM, tags=tags)


class TestChromaStoreOverServer(VectorStoreContract):
    @pytest.fixture
    def store(self, server_store):
        return server_store

    @pytest.fixture
    def reopen_store(self, chroma_url):
        # A new client: what a later process (or another machine) sees.
        return lambda: ChromaStore(url=chroma_url)


def test_server_store_says_where_it_is_and_uses_the_servers_batch_limit(server_store, chroma_url):
    assert server_store.location == chroma_url
    assert server_store.batch_size == server_store.client.get_max_batch_size() > 0
    index = create(server_store, f"rs-srv-{uuid.uuid4().hex[:12]}", corpus="c1")
    assert index.collection.configuration["hnsw"]["space"] == "cosine"
    assert index.tags["corpus"] == "c1"


def test_batches_above_the_limit_over_http(server_store):
    index = ChromaIndex(create(server_store, f"rs-srv-{uuid.uuid4().hex[:12]}").collection, batch_size=3)
    chunks, vectors = sample(8)
    index.add(chunks, vectors, fingerprint=FP)
    assert index.ids() == {c.chunk_id for c in chunks}
