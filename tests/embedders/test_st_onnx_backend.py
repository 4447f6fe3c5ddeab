"""backend = "onnx" / "onnx-int8" of the sentence-transformers kind: parity with PyTorch, fingerprints, config errors."""

from __future__ import annotations

import numpy as np
import pytest

import ragshift.adapters.embedders.sentence_transformers as st_adapter
from ragshift.adapters.embedders.factory import build_embedder
from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
from ragshift.harness.config import load_config
from ragshift.harness.errors import ConfigError
from ragshift.harness.testing.embedder_contract import SAMPLE_TEXTS

# A text past MiniLM's max_seq_length (256 tokens), so truncation is compared too.
TEXTS = [*SAMPLE_TEXTS, "Zinc finger proteins bind DNA at specific sites in the promoter. " * 40]
INT8_MIN_COSINE = 0.97  # bench/RESULTS.md §7b, 300 SciFact abstracts / claims: min 0.9918 / 0.9849 (per-channel int8 weights)


def refuse_loading(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("model loaded")

    monkeypatch.setattr(st_adapter, "load_model", refuse)


def test_backend_is_in_the_fingerprint_but_torch_keeps_its_own(minilm_path, monkeypatch):
    refuse_loading(monkeypatch)
    torch = SentenceTransformerEmbedder(minilm_path)
    prints = {b: SentenceTransformerEmbedder(minilm_path, backend=b).fingerprint() for b in ("torch", "onnx", "onnx-int8")}
    assert prints["torch"] == torch.fingerprint()
    assert len(set(prints.values())) == 3
    described = SentenceTransformerEmbedder(minilm_path, backend="onnx-int8").describe()
    assert described["backend"] == "onnx-int8" and described["fingerprint"] == prints["onnx-int8"]
    assert "backend" not in torch.describe()


def test_a_bad_backend_is_a_one_line_config_error(tmp_path, minilm_path):
    with pytest.raises(ConfigError, match=r"^unknown sentence-transformers backend 'onnx-fp16'; valid: torch, onnx, onnx-int8$"):
        build_embedder("sentence-transformers", model=minilm_path, backend="onnx-fp16")
    path = tmp_path / "run.toml"
    path.write_text(
        f"[corpus]\npath = '{tmp_path}'\n[[embedders]]\nname = 'fast'\nmodel = '{minilm_path}'\nbackend = 'onnx-fp16'\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message == f"{path}: [[embedders]] #1 backend: Input should be 'torch', 'onnx' or 'onnx-int8'"
    text = path.read_text(encoding="utf-8").replace("onnx-fp16", "onnx").replace("model = ", "kind = 'onnx'\nmodel = ")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="'backend' not used by kind = \"onnx\""):
        load_config(path)


@pytest.mark.slow
def test_onnx_exports_match_pytorch_and_are_cached(shared_minilm, minilm_path, tmp_path, monkeypatch):
    monkeypatch.setenv("RAGSHIFT_ONNX_CACHE", str(tmp_path / "onnx"))
    torch = SentenceTransformerEmbedder(minilm_path)
    reference = {"documents": torch.embed_documents(TEXTS), "queries": torch.embed_queries(TEXTS[:3])}
    # The first export is made by an embedder with its own max_length: the export keeps the model's (256).
    shorter = SentenceTransformerEmbedder(minilm_path, backend="onnx", max_length=16)
    assert not np.allclose(shorter.embed_documents(TEXTS[-1:]), reference["documents"][-1:], atol=1e-3)
    assert shorter.describe()["max_seq_length"] == 16
    shared_minilm.max_seq_length = 256  # the session's shared model; each embedder loads its own in real use
    minimum = {}
    for backend in ("onnx", "onnx-int8"):
        onnx = build_embedder("sentence-transformers", model=minilm_path, backend=backend)
        got = {"documents": onnx.embed_documents(TEXTS), "queries": onnx.embed_queries(TEXTS[:3])}
        assert onnx.dimension == 384 and got["documents"].dtype == np.float32
        assert np.allclose(np.linalg.norm(got["documents"], axis=1), 1.0, atol=1e-5)
        minimum[backend] = min(float((got[k] * reference[k]).sum(axis=1).min()) for k in got)
    assert minimum["onnx"] >= 0.999, minimum
    assert 0.999 > minimum["onnx-int8"] >= INT8_MIN_COSINE, minimum  # quantised: close, not the same
    folders = sorted(p.name for p in (tmp_path / "onnx").iterdir())
    assert sorted(f.split("-", 1)[1] for f in folders) == ["onnx", "onnx-int8"]
    int8 = next((tmp_path / "onnx").glob("*-onnx-int8"))
    assert [p.name for p in int8.glob("*.onnx")] == ["model_int8.onnx"]
    assert onnx.parameter_bytes() < 0.3 * torch.parameter_bytes()  # int8 weights: about a byte a parameter

    refuse_loading(monkeypatch)  # a second embedder reads the cached export; PyTorch is not loaded again
    again = SentenceTransformerEmbedder(minilm_path, backend="onnx")
    assert again.describe()["max_seq_length"] is not None and again._exported().describe()["max_seq_length"] == 256
    assert np.allclose(again.embed_documents(TEXTS[:2]), reference["documents"][:2], atol=1e-4)
    with pytest.raises(st_adapter.RagshiftError, match="process pool runs PyTorch models"):
        again.start_pool(["cpu", "cpu"])
