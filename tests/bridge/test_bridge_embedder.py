"""The bridged embedder: the Embedder contract, the version guard, and the folder round trip."""

from __future__ import annotations

import json

import numpy as np
import pytest
from bridge_fixtures import VOCAB, fitted_bridge, texts

from ragshift.harness.bridge.artefact import META, read_record, write_bridge
from ragshift.harness.bridge.embedder import BridgedEmbedder, load_bridge
from ragshift.harness.systems import build_recorded
from ragshift.harness.errors import FingerprintMismatch, RagshiftError
from ragshift.harness.protocols import document_fingerprint
from ragshift.harness.testing.embedder_contract import CONTRACT_VOCABULARY, SAMPLE_TEXTS, EmbedderContract
from ragshift.harness.testing.embedders import KeywordEmbedder
from ragshift.harness.testing.rotated import RotatedEmbedder
from ragshift.harness.testing.stores import ExactIndex
from ragshift.harness.types import Chunk

DOCS = texts(30, seed=5)


class TestBridgedEmbedderContract(EmbedderContract):
    @pytest.fixture
    def make_embedder(self):
        vocabulary = [*CONTRACT_VOCABULARY, "invoices", "router", "refunds", "office"]
        fit_on = [*SAMPLE_TEXTS, *(" ".join(vocabulary[i : i + 3]) for i in range(len(vocabulary)))]

        def make(**prompts):
            old = KeywordEmbedder(vocabulary, **prompts)
            return fitted_bridge(old, RotatedEmbedder(KeywordEmbedder(vocabulary, **prompts), seed=3), fit_on)

        return make


def index_of(embedder) -> ExactIndex:
    index = ExactIndex()
    chunks = [Chunk(f"d{i}#0", f"d{i}", t) for i, t in enumerate(DOCS)]
    index.add(chunks, embedder.embed_documents(DOCS), fingerprint=document_fingerprint(embedder))
    return index


def test_bridged_queries_of_a_rotated_model_find_what_the_old_model_finds(old, rotated, sample_texts) -> None:
    bridge = fitted_bridge(old, rotated, sample_texts)
    index = index_of(old)
    queries = texts(15, seed=9)
    wanted = index.query(old.embed_queries(queries), k=5, fingerprint=old.fingerprint())
    got = index.query(bridge.embed_queries(queries), k=5, fingerprint=document_fingerprint(bridge))
    # the same scores (documents tied on a score may swap places)
    np.testing.assert_allclose([[h.score for h in hits] for hits in got], [[h.score for h in hits] for hits in wanted], atol=1e-5)
    assert [hits[0].score for hits in got] == pytest.approx([hits[0].score for hits in wanted], abs=1e-5)
    best = [{h.doc_id for h in hits if h.score > hits[0].score - 1e-6} for hits in wanted]
    assert all(hits[0].doc_id in top for hits, top in zip(got, best))
    raw = rotated.embed_queries(queries)
    assert np.mean(np.sum(raw * old.embed_queries(queries), axis=1)) < 0.5  # without the bridge: another space


def test_documents_are_the_old_models_and_the_fingerprint_is_new_plus_map(old, rotated, sample_texts) -> None:
    bridge = fitted_bridge(old, rotated, sample_texts)
    assert bridge.document_fingerprint() == old.fingerprint()
    np.testing.assert_array_equal(bridge.embed_documents(DOCS[:3]), old.embed_documents(DOCS[:3]))
    assert bridge.fingerprint() not in (old.fingerprint(), rotated.fingerprint())
    other = fitted_bridge(old, rotated, sample_texts[:40])  # other sample, other map weights
    assert other.fingerprint() != bridge.fingerprint() and other.document_fingerprint() == bridge.document_fingerprint()
    assert bridge.describe()["bridge"]["from"]["fingerprint"] == old.fingerprint()


def test_guard_accepts_the_old_models_index_and_refuses_any_other(old, rotated, sample_texts) -> None:
    bridge = fitted_bridge(old, rotated, sample_texts)
    index_of(old).query(bridge.embed_queries(["pallet scanner"]), k=3, fingerprint=document_fingerprint(bridge))
    model_c = KeywordEmbedder(VOCAB[:15])
    with pytest.raises(FingerprintMismatch, match="refusing to query"):
        index_of(model_c).query(bridge.embed_queries(["pallet scanner"]), k=3, fingerprint=document_fingerprint(bridge))
    with pytest.raises(FingerprintMismatch, match="refusing to query"):  # nor the new model's own index
        index_of(rotated).query(bridge.embed_queries(["pallet scanner"]), k=3, fingerprint=document_fingerprint(bridge))


@pytest.mark.parametrize("kind", ["orthogonal", "affine", "mlp"])
def test_folder_round_trip_gives_the_same_embedder(tmp_path, old, rotated, sample_texts, kind) -> None:
    bridge = fitted_bridge(old, rotated, sample_texts, kind=kind)
    folder = write_bridge(tmp_path / "b", bridge.map, bridge.record)
    assert sorted(p.name for p in folder.iterdir()) == sorted([META, "README.md", bridge.map.FILE])
    assert [p.name for p in tmp_path.iterdir()] == ["b"]  # nothing staged left behind
    loaded = load_bridge(folder, old=old, new=rotated)
    assert loaded.fingerprint() == bridge.fingerprint() and loaded.document_fingerprint() == old.fingerprint()
    np.testing.assert_allclose(loaded.embed_queries(DOCS), bridge.embed_queries(DOCS), atol=1e-6)
    assert read_record(folder) == bridge.record
    assert "Bridge new → old" in (folder / "README.md").read_text()


def test_loading_refuses_a_bridge_for_another_model_pair(tmp_path, old, rotated, sample_texts) -> None:
    bridge = fitted_bridge(old, rotated, sample_texts)
    folder = write_bridge(tmp_path / "b", bridge.map, bridge.record)
    model_c = KeywordEmbedder(VOCAB, normalize=False)  # same words, another fingerprint
    with pytest.raises(FingerprintMismatch, match="a bridge serves only the index it was fitted for"):
        load_bridge(folder, old=model_c, new=rotated)
    with pytest.raises(FingerprintMismatch, match="maps queries of 'new'"):
        load_bridge(folder, old=old, new=RotatedEmbedder(old, seed=8))


def test_loading_rebuilds_recorded_models_and_refuses_changed_weights(tmp_path, sample_texts) -> None:
    old, new = KeywordEmbedder(VOCAB), KeywordEmbedder(VOCAB[:18])
    bridge = fitted_bridge(old, new, sample_texts, kind="affine", rank=8)
    folder = write_bridge(tmp_path / "b", bridge.map, bridge.record)
    rebuilt = load_bridge(folder, build=build_recorded)  # both models from the records in bridge.json
    assert isinstance(rebuilt, BridgedEmbedder) and rebuilt.fingerprint() == bridge.fingerprint()
    with np.load(folder / "map.npz") as data:
        weight, bias = data["weight"], data["bias"]
    np.savez(folder / "map.npz", weight=weight * 1.01, bias=bias)
    with pytest.raises(RagshiftError, match="changed after `ragshift bridge` wrote it"):
        load_bridge(folder, build=build_recorded)


def test_unreadable_folders_are_clear_errors(tmp_path) -> None:
    with pytest.raises(RagshiftError, match="is not a bridge folder: bridge.json is missing"):
        load_bridge(tmp_path, build=build_recorded)
    (tmp_path / META).write_text(json.dumps({"format": 1, "fingerprint": "x"}))
    with pytest.raises(RagshiftError, match="not a bridge record this version can read"):
        load_bridge(tmp_path, build=build_recorded)
