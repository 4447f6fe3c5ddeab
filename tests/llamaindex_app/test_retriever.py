"""RagshiftRetriever inside real LlamaIndex query engines over a real embedded Chroma."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from llama_index.core.llms import MockLLM
from llama_index.core.postprocessor import SimilarityPostprocessor
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.schema import NodeWithScore, QueryBundle

from ragshift.adapters.llamaindex.retriever import RagshiftRetriever
from ragshift.adapters.stores.chroma import ChromaStore
from ragshift.harness.config import load_config
from ragshift.harness.errors import ConfigError, FingerprintMismatch
from ragshift.harness.testing.embedders import KeywordEmbedder
from app_fixtures import DOCS, OTHER_VOCABULARY, VOCABULARY


@pytest.fixture(scope="module")
def config(keyword_suite):
    return load_config(keyword_suite[0])


@pytest.fixture(scope="module")
def retriever(config):
    return RagshiftRetriever.from_config(config, "baseline", similarity_top_k=3)


def test_nodes_carry_chunk_text_metadata_source_and_cosine_score(retriever):
    nodes = retriever.retrieve("router restart")
    assert len(nodes) == 3 and all(isinstance(n, NodeWithScore) for n in nodes)
    top = nodes[0]
    title, text = DOCS["d3"]
    assert top.node.get_content() == f"{title}\n{text}"
    assert top.node.node_id == "d3#0" and top.node.metadata == {"doc_id": "d3", "position": 0}
    assert top.node.ref_doc_id == "d3"
    embedder = KeywordEmbedder(VOCABULARY)
    expected = float(embedder.embed_queries(["router restart"])[0] @ embedder.embed_documents([f"{title}\n{text}"])[0])
    assert top.score == pytest.approx(expected, abs=1e-5)
    assert [n.score for n in nodes] == sorted((n.score for n in nodes), reverse=True)


def test_works_inside_a_query_engine_with_a_postprocessor(retriever):
    engine = RetrieverQueryEngine.from_args(
        retriever, llm=MockLLM(), node_postprocessors=[SimilarityPostprocessor(similarity_cutoff=0.3)]
    )
    response = engine.query("lost badge security")
    assert [n.node.ref_doc_id for n in response.source_nodes] == ["d5"]  # the others score below the cutoff
    assert "Security prints a new badge" in str(response)  # MockLLM echoes its prompt, which holds the context
    unfiltered = RetrieverQueryEngine.from_args(retriever, llm=MockLLM()).query("lost badge security")
    assert len(unfiltered.source_nodes) == 3


def test_async_retrieval_matches_sync(retriever):
    sync = retriever.retrieve(QueryBundle("printer jam"))
    async_nodes = asyncio.run(retriever.aretrieve("printer jam"))
    assert [(n.node.node_id, n.score) for n in async_nodes] == [(n.node.node_id, n.score) for n in sync]


def test_switching_embedder_is_one_argument(config):
    candidate = RagshiftRetriever.from_config(config, "candidate", similarity_top_k=2)
    assert candidate.embedder.fingerprint() != RagshiftRetriever.from_config(config).embedder.fingerprint()
    assert candidate.retrieve("password reset link")[0].node.ref_doc_id == "d1"


def test_opens_by_embedder_fingerprint_without_naming_the_collection(config, retriever):
    found = RagshiftRetriever.from_embedder(KeywordEmbedder(VOCABULARY), store=config.store.path)
    assert found.index.name == retriever.index.name


def test_refuses_a_collection_of_another_same_dimension_model(config, retriever):
    other = KeywordEmbedder(OTHER_VOCABULARY)
    assert other.dimension == KeywordEmbedder(VOCABULARY).dimension
    with pytest.raises(FingerprintMismatch) as caught:
        RagshiftRetriever.from_embedder(other, store=config.store.path, collection=retriever.index.name)
    message = str(caught.value)
    assert message.startswith(f"refusing to query collection {retriever.index.name!r}: it holds vectors of embedder ")
    assert f"embedder {KeywordEmbedder(VOCABULARY).fingerprint()}, but" in message
    assert f"has fingerprint {other.fingerprint()};" in message
    with pytest.raises(FingerprintMismatch, match=f"no collection holds vectors of embedder {other.fingerprint()}"):
        RagshiftRetriever.from_embedder(other, store=config.store.path)


def test_fingerprint_is_checked_on_every_open(config, retriever):
    store = ChromaStore(config.store.path)
    index = store.create("rs-tampered", embedder_fingerprint="someone-else", dimension=len(VOCABULARY) + 1, tags={})
    index.add([], np.zeros((0, len(VOCABULARY) + 1), dtype=np.float32), fingerprint="someone-else")
    with pytest.raises(FingerprintMismatch, match="holds vectors of embedder someone-else, but"):
        RagshiftRetriever.from_embedder(KeywordEmbedder(VOCABULARY), store=store, collection="rs-tampered")


def test_missing_collections_and_bad_arguments_are_clear(config, tmp_path):
    with pytest.raises(ConfigError, match="no Chroma collection 'rs-missing'; collections present: rs-"):
        RagshiftRetriever.from_embedder(KeywordEmbedder(VOCABULARY), store=config.store.path, collection="rs-missing")
    empty = config.model_copy(update={"store": config.store.model_copy(update={"path": tmp_path / "empty"})})
    with pytest.raises(ConfigError, match="no collection rs-.* for embedder 'baseline'.*`ragshift eval`"):
        RagshiftRetriever.from_config(empty)
    with pytest.raises(ConfigError, match="no system named 'nope'; systems: baseline, candidate"):
        RagshiftRetriever.from_config(config, "nope")
    with pytest.raises(ConfigError, match="similarity_top_k must be >= 1"):
        RagshiftRetriever.from_config(config, similarity_top_k=0)


def test_from_model_reads_a_query_adapter_folder_as_a_query_adapter(config, tmp_path):
    from ragshift.adapters.training.query_adapter import QueryAdapterEmbedder

    base = KeywordEmbedder(VOCABULARY)
    QueryAdapterEmbedder(base, np.eye(base.dimension), np.zeros(base.dimension)).save(tmp_path, {"base_model": "keyword"})
    with pytest.raises(ConfigError, match=r"embedder kind 'query-adapter': unknown options \['normalize'\]"):
        RagshiftRetriever.from_model(tmp_path, store=config.store.path, normalize=False)
