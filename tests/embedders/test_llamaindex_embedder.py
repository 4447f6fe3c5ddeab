"""LlamaIndexEmbedder over an offline keyword BaseEmbedding, and over HuggingFaceEmbedding(MiniLM)."""

from __future__ import annotations

from typing import List

import numpy as np
import pytest
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from ragshift.adapters.embedders.llamaindex import LlamaIndexEmbedder
from ragshift.harness.errors import RagshiftError
from ragshift.harness.testing.embedder_contract import CONTRACT_VOCABULARY, SAMPLE_TEXTS, EmbedderContract
from ragshift.harness.testing.embedders import KeywordEmbedder


class KeywordLlamaEmbedding(BaseEmbedding):
    """A deterministic LlamaIndex embedding: the keyword space, queries prefixed with ``query_words``."""

    vocabulary: tuple[str, ...] = CONTRACT_VOCABULARY
    query_words: str = ""
    calls: int = 0

    def _space(self) -> KeywordEmbedder:
        return KeywordEmbedder(self.vocabulary, query_prompt=self.query_words)

    def _get_query_embedding(self, query: str) -> List[float]:
        return self._space().embed_queries([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> List[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> List[float]:
        return self._space().embed_documents([text])[0].tolist()

    def _get_text_embeddings(self, texts: List[str]) -> List[List[float]]:
        self.calls += 1
        return self._space().embed_documents(texts).tolist()


class BrokenLlamaEmbedding(KeywordLlamaEmbedding):
    def _get_text_embeddings(self, texts: List[str]) -> List[List[float]]:
        return [[1.0, 0.0]] * len(texts)


class OpaqueLlamaEmbedding(KeywordLlamaEmbedding):
    """Vectors depend on private state that the serialisable config does not show."""

    _hidden_word: str = PrivateAttr(default="")

    def _space(self) -> KeywordEmbedder:
        return KeywordEmbedder(self.vocabulary + ((self._hidden_word,) if self._hidden_word else ()))


class TestLlamaIndexContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self):
        return lambda **overrides: LlamaIndexEmbedder(KeywordLlamaEmbedding(model_name="kw"), **overrides)


def test_documents_go_through_the_batch_api():
    model = KeywordLlamaEmbedding(model_name="kw", embed_batch_size=2)
    vectors = LlamaIndexEmbedder(model, document_prompt="reset ").embed_documents(["lunch", "noon", "x"])
    assert model.calls == 2
    expected = KeywordEmbedder(CONTRACT_VOCABULARY, document_prompt="reset ").embed_documents(["lunch", "noon", "x"])
    np.testing.assert_allclose(vectors, expected)


def test_queries_use_the_query_embedding():
    embedder = LlamaIndexEmbedder(KeywordLlamaEmbedding(model_name="kw", query_words="lunch "))
    np.testing.assert_allclose(embedder.embed_queries(["noon"]), embedder.embed_documents(["lunch noon"]))


def test_fingerprint_tracks_config_and_class_but_not_batch_size():
    base = LlamaIndexEmbedder(KeywordLlamaEmbedding(model_name="kw")).fingerprint()
    assert LlamaIndexEmbedder(KeywordLlamaEmbedding(model_name="kw", embed_batch_size=3)).fingerprint() == base
    assert LlamaIndexEmbedder(KeywordLlamaEmbedding(model_name="kw2")).fingerprint() != base
    assert LlamaIndexEmbedder(KeywordLlamaEmbedding(model_name="kw", query_words="x ")).fingerprint() != base
    assert LlamaIndexEmbedder(BrokenLlamaEmbedding(model_name="kw")).fingerprint() != base


def test_fingerprint_notices_weights_swapped_behind_the_same_config():
    model = OpaqueLlamaEmbedding(model_name="kw")
    before = LlamaIndexEmbedder(model).fingerprint()
    model._hidden_word = "canary"  # changes vectors, not the pydantic config
    assert LlamaIndexEmbedder(model).fingerprint() != before


def test_inconsistent_vectors_are_an_error():
    with pytest.raises(RagshiftError, match="shape"):
        LlamaIndexEmbedder(BrokenLlamaEmbedding(model_name="kw")).embed_documents(["a"])


@pytest.mark.slow
def test_huggingface_embedding_matches_the_sentence_transformers_adapter(minilm_path, minilm_model):
    """The real LlamaIndex integration, offline on the packaged path (it loads its own copy)."""
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    embedder = LlamaIndexEmbedder(HuggingFaceEmbedding(model_name=minilm_path, device="cpu"))
    expected = minilm_model.encode(list(SAMPLE_TEXTS), normalize_embeddings=True)
    np.testing.assert_allclose(embedder.embed_documents(list(SAMPLE_TEXTS)), expected, atol=1e-5)
    np.testing.assert_allclose(embedder.embed_queries(list(SAMPLE_TEXTS[:1])), expected[:1], atol=1e-5)
    assert embedder.dimension == 384
    assert embedder.describe()["class"] == "llama_index.embeddings.huggingface.base.HuggingFaceEmbedding"
