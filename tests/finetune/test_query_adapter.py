"""The query-side adapter: an Embedder whose document side (and document fingerprint) is the base's."""

from __future__ import annotations

import numpy as np
import pytest
from finetune_fixtures import DOCS

from ragshift.harness.errors import FingerprintMismatch
from ragshift.harness.protocols import document_fingerprint
from ragshift.harness.testing.embedder_contract import CONTRACT_VOCABULARY, EmbedderContract
from ragshift.harness.testing.embedders import KeywordEmbedder

qa = pytest.importorskip("ragshift.adapters.training.query_adapter")


def near_identity(dim: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return np.eye(dim) + 0.05 * rng.standard_normal((dim, dim)), 0.01 * rng.standard_normal(dim)


def adapter(base) -> qa.QueryAdapterEmbedder:
    return qa.QueryAdapterEmbedder(base, *near_identity(base.dimension))


class TestQueryAdapterContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self):
        return lambda **overrides: adapter(KeywordEmbedder(CONTRACT_VOCABULARY, **overrides))


def test_documents_and_document_fingerprint_are_the_base_ones() -> None:
    base = KeywordEmbedder(CONTRACT_VOCABULARY)
    wrapped = adapter(base)
    texts = list(DOCS.values())[:5]
    np.testing.assert_array_equal(wrapped.embed_documents(texts), base.embed_documents(texts))
    assert wrapped.document_fingerprint() == document_fingerprint(base) == base.fingerprint()
    assert wrapped.fingerprint() != base.fingerprint()
    assert not np.allclose(wrapped.embed_queries(texts), base.embed_queries(texts))
    identity = qa.QueryAdapterEmbedder(base, np.eye(base.dimension), np.zeros(base.dimension))
    np.testing.assert_allclose(identity.embed_queries(texts), base.embed_queries(texts), atol=1e-6)
    assert identity.fingerprint() != wrapped.fingerprint()


def test_save_load_round_trip_checks_the_base(tmp_path) -> None:
    base = KeywordEmbedder(CONTRACT_VOCABULARY)
    wrapped = adapter(base)
    wrapped.save(tmp_path, {"base_model": "keyword"})
    assert qa.is_query_adapter(tmp_path)
    loaded = qa.QueryAdapterEmbedder.load(tmp_path, base)
    assert loaded.fingerprint() == wrapped.fingerprint()
    np.testing.assert_allclose(loaded.embed_queries(["reset password"]), wrapped.embed_queries(["reset password"]))
    with pytest.raises(FingerprintMismatch, match="keyword"):
        qa.QueryAdapterEmbedder.load(tmp_path, KeywordEmbedder(CONTRACT_VOCABULARY, query_prompt="q: "))


def test_shape_must_fit_the_base() -> None:
    base = KeywordEmbedder(CONTRACT_VOCABULARY)
    with pytest.raises(Exception, match="does not fit"):
        qa.QueryAdapterEmbedder(base, np.eye(3), np.zeros(3))


@pytest.mark.slow
def test_trains_on_minilm_and_loads_through_the_factory_entry(minilm_path, corpus, tmp_path) -> None:
    from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
    from ragshift.harness.finetune.config import FinetuneConfig
    from ragshift.harness.finetune.run import run_finetune

    cfg = FinetuneConfig(
        base_model=minilm_path, method="query-adapter", leakage="drop", output=tmp_path / "qa",
        dev_fraction=0.25, batch_size=8, query_adapter={"epochs": 5, "lr": 5e-3}, seed=3,
    )
    result = run_finetune(cfg, corpus)
    assert result.leakage["dropped_train"] == ["t1"] and not result.leakage["overridden"]
    assert [p["step"] for p in result.curves["points"]][0] == 0 and len(result.curves["points"]) == 6
    out = result.output
    assert {"query_adapter.safetensors", "query_adapter.json", "README.md", "ragshift_training.json"} <= {
        p.name for p in out.iterdir()
    }
    base = SentenceTransformerEmbedder(minilm_path)
    loaded = qa.build_query_adapter(str(out))
    assert loaded.document_fingerprint() == base.fingerprint() == result.record["base_fingerprint"]
    texts = list(DOCS.values())[:4]
    np.testing.assert_array_equal(loaded.embed_documents(texts), base.embed_documents(texts))
    queries = ["where do visitors park?", "how long do refunds take?"]
    assert not np.allclose(loaded.embed_queries(queries), base.embed_queries(queries))
    assert not np.allclose(loaded.weight, np.eye(loaded.dimension))
    manifest = (out / "ragshift_training.json").read_text(encoding="utf-8")
    assert '"t1"' not in manifest and '"t2"' in manifest
