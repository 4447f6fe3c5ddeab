"""The keyword fake: contract, predictable vectors, validation."""

from __future__ import annotations

import numpy as np
import pytest

from ragshift.harness.errors import ConfigError
from ragshift.harness.testing.embedder_contract import CONTRACT_VOCABULARY, EmbedderContract
from ragshift.harness.testing.embedders import CountingEmbedder, KeywordEmbedder


class TestKeywordContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self):
        return lambda **overrides: KeywordEmbedder(CONTRACT_VOCABULARY, **overrides)


class TestCountingContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self):
        return lambda **overrides: CountingEmbedder(KeywordEmbedder(CONTRACT_VOCABULARY, **overrides))


def test_counts_words_case_insensitively_without_normalising():
    embedder = KeywordEmbedder(["Reset", "password"], normalize=False)
    vectors = embedder.embed_documents(["RESET reset Password!", "nothing known here"])
    np.testing.assert_array_equal(vectors, [[2, 1, 0], [0, 0, 1]])


def test_unknown_text_gets_unit_vector_on_extra_dimension():
    embedder = KeywordEmbedder(["alpha", "beta"])
    assert embedder.dimension == 3
    np.testing.assert_array_equal(embedder.embed_queries(["gamma"]), [[0, 0, 1]])


def test_prompt_words_count_towards_the_vector():
    plain = KeywordEmbedder(["alpha", "beta"], normalize=False)
    prompted = KeywordEmbedder(["alpha", "beta"], query_prompt="beta: ", normalize=False)
    np.testing.assert_array_equal(prompted.embed_queries(["alpha"]), [[1, 1, 0]])
    np.testing.assert_array_equal(prompted.embed_documents(["alpha"]), plain.embed_documents(["alpha"]))


def test_fingerprint_covers_vocabulary_and_normalisation():
    base = KeywordEmbedder(["alpha", "beta"]).fingerprint()
    assert KeywordEmbedder(["alpha", "gamma"]).fingerprint() != base
    assert KeywordEmbedder(["alpha", "beta"], normalize=False).fingerprint() != base


@pytest.mark.parametrize("vocabulary", [[], ["a", "A"], ["two words"]])
def test_bad_vocabulary_is_a_config_error(vocabulary):
    with pytest.raises(ConfigError):
        KeywordEmbedder(vocabulary)


def test_counting_embedder_records_calls():
    counting = CountingEmbedder(KeywordEmbedder(["alpha"]))
    counting.embed_queries(["alpha"])
    counting.embed_documents(["a", "b"])
    assert counting.calls == [("q", ("alpha",)), ("d", ("a", "b"))]
    assert counting.embedded == 3
