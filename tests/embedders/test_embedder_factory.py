"""build_embedder: kinds, option validation, LlamaIndex class paths."""

from __future__ import annotations

import pytest

from ragshift.adapters.embedders.factory import build_embedder
from ragshift.adapters.embedders.llamaindex import LlamaIndexEmbedder
from ragshift.adapters.embedders.openai_compat import OpenAICompatibleEmbedder
from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
from ragshift.harness.errors import ConfigError
from ragshift.harness.protocols import Embedder
from ragshift.harness.testing.embedders import KeywordEmbedder


def not_an_embedding():
    return object()


def test_unknown_kind_lists_valid_kinds():
    with pytest.raises(ConfigError, match="sentence-transformers, openai, llamaindex, testing.keyword"):
        build_embedder("word2vec")


def test_every_kind_of_the_one_table_is_built_by_an_adapter_that_takes_its_options():
    """``ragshift.harness.kinds`` declares each kind's config keys once; the adapter it names must accept
    them (``api_key_env`` is handed over as the key itself, a degraded one's ``of`` as the built ``inner``)."""
    import inspect

    from ragshift.adapters.embedders.factory import builder
    from ragshift.harness.kinds import EMBEDDER_KINDS

    handed_as = {"api_key_env": "api_key", "of": "inner"}
    for kind, spec in EMBEDDER_KINDS.items():
        if spec.builder is None:
            assert kind == "bridged"  # the composition root rebuilds a bridge from its folder
            continue
        params = inspect.signature(builder(kind)).parameters
        open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        missing = [o for o in spec.options if handed_as.get(o, o) not in params and not open_ended]
        assert not missing, f"kind {kind!r}: the adapter takes no {missing}"
        assert set(spec.required) <= set(spec.options), kind


def test_keyword_kind():
    embedder = build_embedder("testing.keyword", vocabulary=["alpha"], query_prompt="q ")
    assert isinstance(embedder, KeywordEmbedder) and embedder.query_prompt == "q "


def test_sentence_transformers_kind_builds_lazily(minilm_path):
    embedder = build_embedder("sentence-transformers", model="all-MiniLM-L6-v2", max_length=64)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.source == minilm_path and embedder._model is None


def test_openai_kind():
    embedder = build_embedder("openai", base_url="http://127.0.0.1:1/v1", model="m", dimensions=8)
    assert isinstance(embedder, OpenAICompatibleEmbedder) and embedder.dimension == 8


def test_unknown_and_missing_options_name_the_valid_ones():
    with pytest.raises(ConfigError, match=r"unknown options \['modle'\].*valid options: \[.*'model'"):
        build_embedder("sentence-transformers", modle="x")
    with pytest.raises(ConfigError, match=r"missing \['base_url'\]"):
        build_embedder("openai", model="m")


def test_llamaindex_kind_passes_remaining_options_to_the_callable():
    embedder = build_embedder(
        "llamaindex", class_path="llama_index.core.embeddings:MockEmbedding", embed_dim=8, query_prompt="q: "
    )
    assert isinstance(embedder, LlamaIndexEmbedder) and isinstance(embedder, Embedder)
    assert embedder.embed_model.embed_dim == 8 and embedder.query_prompt == "q: "
    assert embedder.embed_queries(["a", "b"]).shape == (2, 8)


@pytest.mark.parametrize(
    ("class_path", "message"),
    [
        ("no_colon_here", "must look like"),
        ("no_such_module_xyz:thing", "cannot import"),
        (f"{__name__}:missing_attr", "cannot import"),
        (f"{__name__}:not_an_embedding", "not a LlamaIndex BaseEmbedding"),
    ],
)
def test_bad_llamaindex_class_paths(class_path, message):
    with pytest.raises(ConfigError, match=message):
        build_embedder("llamaindex", class_path=class_path)


def test_llamaindex_kind_needs_a_class_path():
    with pytest.raises(ConfigError, match=r"missing \['class_path'\]"):
        build_embedder("llamaindex")
