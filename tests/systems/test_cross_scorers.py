"""CrossScorers: the packaged ms-marco-MiniLM-L-12-v2 (int8 ONNX) and a sentence-transformers CrossEncoder folder."""

from __future__ import annotations

import math
import shutil

import pytest

from ragshift.adapters.onnx_model import resolve_onnx_model
from ragshift.adapters.rerankers.onnx_cross_encoder import OnnxCrossEncoder
from ragshift.adapters.rerankers.st_cross_encoder import SentenceTransformerCrossEncoder
from ragshift.harness.errors import ConfigError
from ragshift.harness.testing.cross_scorer_contract import PAIRS, CrossScorerContract


@pytest.fixture(scope="module")
def reranker_folder():
    try:
        folder, _ = resolve_onnx_model("ms-marco-MiniLM-L-12-v2")
    except ConfigError as exc:
        pytest.skip(str(exc))
    return folder


@pytest.fixture(scope="session")
def tiny_cross_encoder(tmp_path_factory, minilm_path):
    """A 2-layer BERT cross-encoder with random (seeded) weights and MiniLM's tokenizer, saved to a folder."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, num_labels=1
    )
    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    BertForSequenceClassification(config).eval().save_pretrained(folder)
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(f"{minilm_path}/{name}", folder / name)
    return folder


@pytest.mark.slow
class TestOnnxCrossEncoderContract(CrossScorerContract):
    atol = 1e-6  # one pair per model call: exact

    @pytest.fixture
    def make_scorer(self, reranker_folder):
        return OnnxCrossEncoder


@pytest.mark.slow
class TestSentenceTransformerCrossEncoderContract(CrossScorerContract):
    ranks_relevance = False  # random weights

    @pytest.fixture(scope="class")
    def shared(self, tiny_cross_encoder):
        return SentenceTransformerCrossEncoder(tiny_cross_encoder)

    @pytest.fixture
    def make_scorer(self, shared, tiny_cross_encoder):
        def make():
            scorer = SentenceTransformerCrossEncoder(tiny_cross_encoder)
            scorer._model = shared._load()  # load the model once for the class
            return scorer

        return make


def test_onnx_cross_encoder_fingerprint_and_description_without_loading(reranker_folder):
    scorer = OnnxCrossEncoder()
    assert scorer.fingerprint() == OnnxCrossEncoder("cross-encoder/ms-marco-MiniLM-L-12-v2").fingerprint()
    assert OnnxCrossEncoder(max_length=256).fingerprint() != scorer.fingerprint()
    described = scorer.describe()
    assert described["max_length"] == 512 and described["scores"] == "raw logit" and "int8" in described["source"]
    assert scorer._model._session is None


@pytest.mark.slow
def test_onnx_cross_encoder_gives_raw_logits_and_truncates_long_pairs(reranker_folder):
    """Raw logits (not sigmoid): a clear match is far above 0, an unrelated passage far below."""
    relevant, unrelated = OnnxCrossEncoder().score(list(PAIRS[:2]))
    assert relevant > 3 and unrelated < -3
    scorer = OnnxCrossEncoder(max_length=16)
    long = "To reset your password open account settings " + "and then wait " * 200
    assert len(scorer._model.encode("reset password", long).ids) == 16
    assert len(scorer.score([("reset password", long)])) == 1


def test_st_cross_encoder_needs_a_folder(tmp_path):
    with pytest.raises(ConfigError, match="is not a folder"):
        SentenceTransformerCrossEncoder(tmp_path / "missing")


@pytest.mark.slow
def test_st_cross_encoder_returns_raw_logits_and_fingerprints_the_weights(tiny_cross_encoder, tmp_path):
    from sentence_transformers import CrossEncoder

    scorer = SentenceTransformerCrossEncoder(tiny_cross_encoder)
    raw = CrossEncoder(str(tiny_cross_encoder), local_files_only=True).predict([list(p) for p in PAIRS], activation_fn=None)
    logits = scorer.score(list(PAIRS))
    # CrossEncoder's default is a sigmoid over the logit; the scorer returns the logit itself
    assert [1 / (1 + math.exp(-x)) for x in logits] == pytest.approx([float(r) for r in raw], abs=1e-5)
    copy = tmp_path / "copy"
    shutil.copytree(tiny_cross_encoder, copy)
    assert SentenceTransformerCrossEncoder(copy).fingerprint() == scorer.fingerprint()
    assert SentenceTransformerCrossEncoder(copy, max_length=64).fingerprint() != scorer.fingerprint()
    from safetensors.numpy import load_file, save_file

    weights = load_file(copy / "model.safetensors")
    name = sorted(weights)[0]
    weights[name] = weights[name] + 1e-3
    save_file(weights, copy / "model.safetensors", metadata={"format": "pt"})
    assert SentenceTransformerCrossEncoder(copy).fingerprint() != scorer.fingerprint()
