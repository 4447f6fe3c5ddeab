import asyncio

import numpy as np
import pytest

from ragshift.adapters.llamaindex.embedding import RagshiftEmbedding


@pytest.fixture
def embedding(embedder):
    return RagshiftEmbedding(embedder)


def test_queries_use_embed_queries_and_texts_embed_documents(embedding, embedder):
    # The call log shows which Embedder method served each LlamaIndex call.
    assert embedding.get_query_embedding("cat") == pytest.approx(embedder.inner.embed_queries(["cat"])[0].tolist())
    assert embedding.get_text_embedding("dog") == pytest.approx(embedder.inner.embed_documents(["dog"])[0].tolist())
    assert [kind for kind, _ in embedder.calls] == ["q", "d"]


def test_batches_go_through_in_one_call(embedding, embedder):
    vectors = embedding.get_text_embedding_batch(["cat", "dog", "fish"])
    assert np.allclose(vectors, embedder.inner.embed_documents(["cat", "dog", "fish"]))
    assert embedder.calls == [("d", ("cat", "dog", "fish"))]


def test_async_methods_delegate(embedding, embedder):
    async def run():
        return await embedding.aget_query_embedding("cat"), await embedding.aget_text_embedding_batch(["a", "b"])

    query, texts = asyncio.run(run())
    assert query == pytest.approx(embedding.get_query_embedding("cat"))
    assert len(texts) == 2
    assert [kind for kind, _ in embedder.calls] == ["q", "d", "q"]


def test_model_name_carries_the_embedder_fingerprint(embedding, embedder):
    assert embedding.model_name == f"ragshift:{embedder.fingerprint()}"
