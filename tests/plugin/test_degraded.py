"""The deliberately degraded embedder: contract, determinism, fingerprint, and its config kind."""

from __future__ import annotations

import numpy as np
import pytest

from ragshift.harness.cache import CachedEmbedder
from ragshift.harness.config import load_config
from ragshift.harness.errors import ConfigError
from ragshift.harness.systems import build_adapter
from ragshift.harness.testing.degraded import NoisyEmbedder
from ragshift.harness.testing.embedder_contract import CONTRACT_VOCABULARY, SAMPLE_TEXTS, EmbedderContract
from ragshift.harness.testing.embedders import KeywordEmbedder


class TestNoisyContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self):
        return lambda **overrides: NoisyEmbedder(KeywordEmbedder(CONTRACT_VOCABULARY, **overrides), noise=0.1)


def test_noise_depends_on_the_text_only():
    noisy = NoisyEmbedder(KeywordEmbedder(CONTRACT_VOCABULARY), noise=0.5, seed=3)
    texts = list(SAMPLE_TEXTS)
    batch = noisy.embed_documents(texts)
    np.testing.assert_array_equal(noisy.embed_documents(texts[2:3])[0], batch[2])
    np.testing.assert_array_equal(NoisyEmbedder(noisy.inner, noise=0.5, seed=3).embed_documents(texts), batch)
    assert not np.allclose(noisy.embed_queries(texts), batch)  # queries and documents get different noise
    assert not np.allclose(NoisyEmbedder(noisy.inner, noise=0.5, seed=4).embed_documents(texts), batch)


def test_zero_noise_keeps_the_inner_vectors_and_noise_moves_them_away():
    inner = KeywordEmbedder(CONTRACT_VOCABULARY)
    texts = list(SAMPLE_TEXTS)
    clean = inner.embed_documents(texts)
    np.testing.assert_allclose(NoisyEmbedder(inner, noise=0.0).embed_documents(texts), clean, atol=1e-6)
    cosines = [np.sum(NoisyEmbedder(inner, noise=n).embed_documents(texts) * clean, axis=1).mean() for n in (0.1, 1.0, 3.0)]
    assert cosines == sorted(cosines, reverse=True) and cosines[-1] < 0.6


def test_fingerprint_names_inner_noise_and_seed():
    inner = KeywordEmbedder(CONTRACT_VOCABULARY)
    prints = {NoisyEmbedder(inner, noise=n, seed=s).fingerprint() for n, s in ((0.5, 0), (0.6, 0), (0.5, 1))}
    assert len(prints) == 3 and inner.fingerprint() not in prints
    assert NoisyEmbedder(inner).describe()["of"]["fingerprint"] == inner.fingerprint()
    with pytest.raises(ConfigError, match="noise must be >= 0"):
        NoisyEmbedder(inner, noise=-1)


CONFIG = """
[corpus]
path = "corpus"
[cache]
path = "cache"
[[embedders]]
name = "base"
kind = "testing.keyword"
vocabulary = ["reset", "password"]
[[embedders]]
name = "worse"
kind = "testing.degraded"
{worse}
"""


def test_degraded_kind_wraps_the_named_embedder_behind_the_cache(tmp_path):
    path = tmp_path / "suite.toml"
    path.write_text(CONFIG.format(worse='of = "base"\nnoise = 0.7'))
    config = load_config(path)
    from ragshift.harness.cache import EmbeddingCache

    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    worse = build_adapter(config, config.embedder("worse"), cache)
    assert isinstance(worse, NoisyEmbedder) and worse.noise == 0.7
    assert isinstance(worse.inner, CachedEmbedder)
    assert worse.inner.fingerprint() == build_adapter(config, config.embedder("base")).fingerprint()
    worse.embed_documents(["reset it"])
    assert cache.count(worse.inner.fingerprint()) == 1


@pytest.mark.parametrize(
    ("worse", "message"),
    [
        ('of = "nope"', r"'worse': of = 'nope' must name an embedder that is not degraded; choose from: base"),
        ("noise = 0.5", 'kind = "testing.degraded" needs of'),
        ('of = "base"\nvocabulary = ["x"]', "'vocabulary' not used by kind = \"testing.degraded\"; it uses: of, noise"),
        ('of = "base"\nnoise = -1', "noise"),
    ],
)
def test_degraded_kind_config_errors(tmp_path, worse, message):
    path = tmp_path / "suite.toml"
    path.write_text(CONFIG.format(worse=worse))
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_config_embedder_lookup_lists_names(tmp_path):
    path = tmp_path / "suite.toml"
    path.write_text(CONFIG.format(worse='of = "base"'))
    with pytest.raises(ConfigError, match="no embedder named 'x'; embedders: base, worse"):
        load_config(path).embedder("x")
