"""ChromaIndex over a Chroma server (``chroma run``) passes the same contract as the embedded one."""

from __future__ import annotations

import uuid

import pytest

from adapters.stores.chroma import ChromaIndex, ChromaStore
from harness.testing.index_contract import DIM, FP, VectorIndexContract, sample


def open_index(store: ChromaStore, name: str, **tags) -> ChromaIndex:
    return store.open_index(name, embedder_fingerprint=FP, dimension=DIM, metadata=tags)


class TestChromaIndexOverServer(VectorIndexContract):
    @pytest.fixture
    def make_index(self, server_store):
        prefix = f"rs-srv-{uuid.uuid4().hex[:12]}"
        names = iter(f"{prefix}-{i}" for i in range(100))
        return lambda: open_index(server_store, next(names))

    @pytest.fixture
    def reopen_index(self, chroma_url):
        # A new client: what a later process (or another machine) sees.
        return lambda index: open_index(ChromaStore(url=chroma_url), index.name)


def test_server_store_says_where_it_is_and_uses_the_servers_batch_limit(server_store, chroma_url):
    assert server_store.location == chroma_url
    assert server_store.batch_size == server_store.client.get_max_batch_size() > 0
    index = open_index(server_store, f"rs-srv-{uuid.uuid4().hex[:12]}", corpus="c1")
    assert index.collection.configuration["hnsw"]["space"] == "cosine"
    assert index.metadata["corpus"] == "c1"


def test_batches_above_the_limit_over_http(server_store):
    index = ChromaIndex(open_index(server_store, f"rs-srv-{uuid.uuid4().hex[:12]}").collection, batch_size=3)
    chunks, vectors = sample(8)
    index.add(chunks, vectors, fingerprint=FP)
    assert index.ids() == {c.chunk_id for c in chunks}
