"""The plug-in retriever with the real packaged MiniLM, a same-dimension fine-tune it must refuse, and a
query adapter it serves over the base model's collection."""

from __future__ import annotations

import numpy as np
import pytest
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine

from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
from ragshift.adapters.llamaindex.retriever import RagshiftRetriever
from app_fixtures import suite_config, write_corpus
from ragshift.harness.config import load_config
from ragshift.harness.errors import FingerprintMismatch
from ragshift.harness.protocols import document_fingerprint
from ragshift.harness.run import run_eval

pytestmark = pytest.mark.slow

MINILM_SUITE = [{"name": "baseline", "model": "all-MiniLM-L6-v2"}]


@pytest.fixture(scope="module")
def minilm_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("minilm")
    write_corpus(root / "corpus")
    config = load_config(suite_config(root, MINILM_SUITE))
    result = run_eval(config)
    return config.store.path, result.run_card["systems"]["baseline"]


def test_packaged_model_answers_inside_a_query_engine(minilm_store):
    store, system = minilm_store
    retriever = RagshiftRetriever.from_model("all-MiniLM-L6-v2", store=store, similarity_top_k=2)
    assert retriever.embedder.fingerprint() == system["fingerprint"]
    response = RetrieverQueryEngine.from_args(retriever, llm=MockLLM()).query("I lost my ID card, who prints a new one?")
    assert response.source_nodes[0].node.ref_doc_id == "d5"
    assert 0 < response.source_nodes[0].score <= 1


def test_a_fine_tune_of_the_same_dimension_is_refused(minilm_store, minilm_path, tmp_path):
    import torch
    from sentence_transformers import SentenceTransformer

    store, system = minilm_store
    model = SentenceTransformer(minilm_path, device="cpu")
    with torch.no_grad():
        next(model.parameters()).add_(1e-3)  # one training step's worth of change
    model.save(str(tmp_path / "finetuned"))
    assert model.get_embedding_dimension() == 384
    (index,) = system["indexes"].values()
    collection = index["collection"]
    with pytest.raises(FingerprintMismatch) as caught:
        RagshiftRetriever.from_model(tmp_path / "finetuned", store=store, collection=collection)
    finetuned = SentenceTransformerEmbedder(str(tmp_path / "finetuned")).fingerprint()
    assert finetuned != system["fingerprint"]
    assert str(caught.value) == (
        f"refusing to query collection {collection!r}: it holds vectors of embedder {system['fingerprint']}, but this "
        f"retriever's model ({tmp_path / 'finetuned'}) has fingerprint {finetuned}; another model version, even of the "
        "same dimension, needs its own collection (build it with `ragshift eval`)"
    )


def test_a_query_adapter_folder_is_served_over_the_base_models_collection(minilm_store, tmp_path):
    from ragshift.adapters.training.query_adapter import QueryAdapterEmbedder

    store, system = minilm_store
    base = SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    dim = 384
    nudge = 0.01 * np.random.default_rng(0).standard_normal((dim, dim))
    QueryAdapterEmbedder(base, np.eye(dim) + nudge, np.zeros(dim)).save(tmp_path / "adapter", {"base_model": "all-MiniLM-L6-v2"})
    retriever = RagshiftRetriever.from_model(tmp_path / "adapter", store=store, similarity_top_k=2)
    (index,) = system["indexes"].values()
    assert retriever.index.name == index["collection"]  # found by the document fingerprint: the base's
    assert document_fingerprint(retriever.embedder) == system["fingerprint"] != retriever.embedder.fingerprint()
    assert retriever.retrieve("I lost my ID card, who prints a new one?")[0].node.ref_doc_id == "d5"
