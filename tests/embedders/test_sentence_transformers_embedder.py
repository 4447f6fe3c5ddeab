"""SentenceTransformerEmbedder over the packaged MiniLM: contract, vectors, file-based fingerprint."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from ragshift.adapters.embedders.packaged import resolve_model
from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
from ragshift.harness.errors import RagshiftError
from ragshift.harness.testing.embedder_contract import SAMPLE_TEXTS, EmbedderContract


@pytest.mark.slow
class TestSentenceTransformerContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self, shared_minilm):
        return lambda **overrides: SentenceTransformerEmbedder("all-MiniLM-L6-v2", **overrides)


def test_packaged_names_resolve_to_the_wheel(minilm_path):
    for name in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        assert resolve_model(name) == minilm_path
    assert resolve_model("some-org/unknown-model") == "some-org/unknown-model"


def test_local_path_wins_over_packaged_name(tmp_path, monkeypatch):
    (tmp_path / "all-MiniLM-L6-v2").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve_model("all-MiniLM-L6-v2") == "all-MiniLM-L6-v2"


def test_construction_and_fingerprint_do_not_load_the_model(minilm_path, monkeypatch):
    import ragshift.adapters.embedders.sentence_transformers as st_adapter

    def refuse(*args, **kwargs):
        raise AssertionError("model loaded")

    monkeypatch.setattr(st_adapter, "load_model", refuse)
    embedder = SentenceTransformerEmbedder(minilm_path)
    assert len(embedder.fingerprint()) == 16


def test_fingerprint_ignores_location_but_tracks_weights(minilm_path, tmp_path):
    from safetensors.numpy import load_file, save_file

    copy = tmp_path / "copy"
    shutil.copytree(minilm_path, copy)
    original = SentenceTransformerEmbedder(minilm_path).fingerprint()
    assert SentenceTransformerEmbedder(str(copy)).fingerprint() == original

    weights = load_file(copy / "model.safetensors")
    name = next(n for n in sorted(weights) if n.endswith("attention.self.query.weight"))
    weights[name] = weights[name].copy()
    weights[name][0, 0] += 1e-3
    save_file(weights, copy / "model.safetensors", metadata={"format": "pt"})
    tuned = SentenceTransformerEmbedder(str(copy)).fingerprint()
    assert tuned != original


def test_fingerprint_tracks_pooling_normalisation_and_length(minilm_path, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(minilm_path, copy)
    base = SentenceTransformerEmbedder(str(copy)).fingerprint()
    assert SentenceTransformerEmbedder(str(copy), normalize=False).fingerprint() != base
    assert SentenceTransformerEmbedder(str(copy), max_length=128).fingerprint() != base
    pooling = copy / "1_Pooling" / "config.json"
    pooling.write_text(pooling.read_text().replace('"pooling_mode_cls_token": false', '"pooling_mode_cls_token": true'))
    assert SentenceTransformerEmbedder(str(copy)).fingerprint() != base


def test_folder_without_weights_is_an_error(tmp_path):
    (tmp_path / "modules.json").write_text("[]")
    with pytest.raises(RagshiftError, match="no model weights"):
        SentenceTransformerEmbedder(str(tmp_path)).fingerprint()


@pytest.mark.slow
def test_vectors_match_plain_sentence_transformers(shared_minilm):
    embedder = SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    expected = shared_minilm.encode(list(SAMPLE_TEXTS), normalize_embeddings=True)
    np.testing.assert_allclose(embedder.embed_documents(list(SAMPLE_TEXTS)), expected, atol=1e-5)
    assert embedder.dimension == 384


@pytest.mark.slow
def test_prompts_change_vectors(shared_minilm):
    plain = SentenceTransformerEmbedder("all-MiniLM-L6-v2").embed_queries(["refund policy"])
    prompted = SentenceTransformerEmbedder("all-MiniLM-L6-v2", query_prompt="query: ").embed_queries(["refund policy"])
    expected = shared_minilm.encode(["query: refund policy"], normalize_embeddings=True)
    np.testing.assert_allclose(prompted, expected, atol=1e-5)
    assert not np.allclose(plain, prompted, atol=1e-3)


@pytest.mark.slow
def test_max_length_truncates(shared_minilm):
    start = "refunds are processed within five business days"
    texts = [start + " and then arrive in your account", start + " except on weekends and public holidays"]
    full = SentenceTransformerEmbedder("all-MiniLM-L6-v2").embed_documents(texts)
    assert not np.allclose(full[0], full[1], atol=1e-3)
    short = SentenceTransformerEmbedder("all-MiniLM-L6-v2", max_length=8)  # [CLS] + 6 tokens + [SEP]
    truncated = short.embed_documents(texts)
    np.testing.assert_allclose(truncated[0], truncated[1], atol=1e-5)
    assert short.describe()["max_seq_length"] == 8


def test_fingerprint_tracks_the_module_list(minilm_path, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(minilm_path, copy)
    base = SentenceTransformerEmbedder(str(copy)).fingerprint()
    modules = copy / "modules.json"
    modules.write_text(modules.read_text().replace("sentence_transformers.models.Normalize", "sentence_transformers.models.Dense"))
    assert SentenceTransformerEmbedder(str(copy)).fingerprint() != base


@pytest.mark.slow
def test_parameter_bytes_count_the_loaded_weights(shared_minilm):
    embedder = SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    expected = sum(t.numel() * t.element_size() for t in [*shared_minilm.parameters(), *shared_minilm.buffers()])
    assert embedder.parameter_bytes() == expected
    assert 80e6 < expected < 100e6  # 22.7M float32 parameters
