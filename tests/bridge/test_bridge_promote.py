"""Shipping a bridge: the alias records it, ``from_alias`` serves through it, ``status`` shows it, promoting
the new model's full collection replaces it and rollback returns to it; a bridge over another index is refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
from bridge_fixtures import VOCAB, fitted_bridge, texts, write_config
from typer.testing import CliRunner

from ragshift.adapters.llamaindex.retriever import RagshiftRetriever
from ragshift.adapters.stores.chroma import ChromaStore
from ragshift.harness.bridge.artefact import write_bridge
from ragshift.harness.cli import app
from ragshift.harness.config import load_config
from ragshift.harness.errors import ConfigError, FingerprintMismatch, PromotionRefused
from ragshift.harness.protocols import document_fingerprint
from ragshift.harness.shipping.aliases import Alias, BridgeRef, promoted, rolled_back, without
from ragshift.harness.shipping.bridged import bridge_ref
from ragshift.harness.shipping.promote import promote, rollback
from ragshift.harness.shipping.reindex_job import run_reindex
from ragshift.harness.systems import open_store
from ragshift.harness.testing.embedders import KeywordEmbedder
from ragshift.harness.testing.stores import MemoryStore
from ragshift.harness.types import Chunk

BRIDGED = '[[embedders]]\nname = "kw-bridged"\nkind = "bridged"\nmodel = "./bridges/kw-over-noisy"\n'
DOCS = texts(30, seed=5)


def ref(name: str = "b", fingerprint: str = "fb", source: str = "fold") -> BridgeRef:
    return BridgeRef(f"/bridges/{name}", fingerprint, source, "fnew", "old", "new", "orthogonal")


def test_alias_records_bridged_targets_and_reads_records_written_before_bridges() -> None:
    plain = promoted(None, "production", "c-old")
    bridged = promoted(plain, "production", "c-old", bridge=ref())  # same collection, now through a bridge
    assert bridged.target == ("c-old", ref()) and bridged.previous_targets() == (("c-old", None),)
    assert bridged.history[-1]["to_bridge"] == "/bridges/b"
    with pytest.raises(ConfigError, match="already points at c-old via bridge /bridges/b"):
        promoted(bridged, "production", "c-old", bridge=ref())
    full = promoted(bridged, "production", "c-new")
    assert full.bridge is None and full.previous_targets() == (("c-old", None), ("c-old", ref()))
    assert full.history[-1]["from_bridge"] == "/bridges/b"
    assert Alias.from_json(full.to_json()) == full
    back = rolled_back(full)
    assert back.target == ("c-old", ref()) and back.previous_targets() == (("c-old", None),)
    assert rolled_back(back).target == ("c-old", None)
    assert without(full, "c-old").previous_targets() == ()
    # a record written before bridges existed: no bridge keys, read as plain; a plain alias writes none
    old_record = json.dumps({"name": "p", "collection": "c2", "previous": ["c1"], "history": []})
    assert Alias.from_json(old_record) == Alias("p", "c2", ("c1",))
    assert set(json.loads(plain.to_json())) == {"name", "collection", "previous", "history"}


def old_index(store, old, name: str = "c-old"):
    index = store.create(name, embedder_fingerprint=document_fingerprint(old), dimension=old.dimension, tags={})
    chunks = [Chunk(f"d{i}#0", f"d{i}", t) for i, t in enumerate(DOCS)]
    index.add(chunks, old.embed_documents(DOCS), fingerprint=document_fingerprint(old))
    return index


@pytest.mark.parametrize("kind", ["memory", "chroma"])
def test_from_alias_serves_a_rotated_model_through_its_bridge(tmp_path, old, rotated, sample_texts, kind) -> None:
    store = MemoryStore() if kind == "memory" else ChromaStore(path=tmp_path / "chroma")
    bridge = fitted_bridge(old, rotated, sample_texts)
    bridge.source = str(write_bridge(tmp_path / "b", bridge.map, bridge.record))
    old_index(store, old)
    store.aliases().put(promoted(None, "production", "c-old", bridge=bridge_ref(bridge)))
    served = RagshiftRetriever.from_alias("production", store=store, embedder=bridge, similarity_top_k=3)
    plain = RagshiftRetriever(store.open("c-old"), old, similarity_top_k=3)
    for query in texts(8, seed=9):  # the rotated model's queries, mapped back, score as the old model's
        np.testing.assert_allclose([n.score for n in served.retrieve(query)], [n.score for n in plain.retrieve(query)], atol=1e-5)
    with pytest.raises(FingerprintMismatch, match="the embedder given has fingerprint"):  # the new model, unmapped
        RagshiftRetriever.from_alias("production", store=store, embedder=rotated)
    with pytest.raises(FingerprintMismatch, match="the embedder given has fingerprint"):  # the old model, ignoring the bridge
        RagshiftRetriever.from_alias("production", store=store, embedder=old)


@pytest.mark.parametrize("kind", ["memory", "chroma"])
def test_a_bridge_over_another_models_collection_is_refused(tmp_path, old, rotated, sample_texts, kind) -> None:
    store = MemoryStore() if kind == "memory" else ChromaStore(path=tmp_path / "chroma")
    bridge = fitted_bridge(old, rotated, sample_texts)
    model_c = KeywordEmbedder(VOCAB[:15])
    old_index(store, model_c, "c-other")
    store.aliases().put(promoted(None, "production", "c-other", bridge=bridge_ref(bridge)))
    with pytest.raises(FingerprintMismatch, match=r"collection c-other holds vectors of embedder \w+, but bridge .* maps "
                                                  r"queries into the index of old \(embedder \w+\): a bridge serves only"):
        RagshiftRetriever.from_alias("production", store=store, embedder=bridge)


@pytest.fixture
def ship(tmp_path):
    """The bridge test corpus in embedded Chroma: noisy (old) indexed and promoted, a bridge kw → noisy fitted."""
    path = write_config(tmp_path, extra_embedders=BRIDGED)
    config = load_config(path)
    collections = {"noisy": run_reindex(config, "noisy").collection}
    assert CliRunner().invoke(app, ["bridge", str(path)]).exit_code == 0
    promote(config, "noisy")
    return path, config, collections


def test_promote_serve_status_replace_and_roll_back_a_bridge(tmp_path, ship) -> None:
    path, config, collections = ship
    done = promote(config, "kw-bridged", sample=40)
    assert [(c.name, c.mark) for c in done.checks] == [("collection", "ok"), ("fingerprint", "ok"), ("complete", "ok"),
                                                       ("sample evaluation", "ok")]
    assert "the bridge's from model (noisy)" in done.checks[1].detail and "policy verdict" in done.checks[3].detail
    folder = str((tmp_path / "bridges" / "kw-over-noisy").resolve())
    record = json.loads((tmp_path / "bridges" / "kw-over-noisy" / "bridge.json").read_text())
    alias = open_store(config.store).aliases().get("production")
    assert alias.collection == collections["noisy"] and alias.previous_targets() == ((collections["noisy"], None),)
    assert alias.bridge == BridgeRef(folder, record["fingerprint"], record["document_fingerprint"], record["to"]["fingerprint"],
                                     "noisy", "kw", "orthogonal")

    retriever = RagshiftRetriever.from_alias("production", store=tmp_path / "chroma")  # bridge rebuilt from its folder
    assert retriever.embedder.fingerprint() == record["fingerprint"] and retriever.index.name == collections["noisy"]
    assert retriever.retrieve("pallet scanner")

    status = CliRunner().invoke(app, ["status", str(path)], env={"COLUMNS": "400"})
    assert status.exit_code == 0, status.output
    assert f"bridge {folder} (orthogonal; kw {record['to']['fingerprint']} → noisy {record['document_fingerprint']})" in status.output
    assert "production (bridged)" in status.output and f"{collections['noisy']}" in status.output
    assert "no collection of kw yet: `ragshift reindex -e kw` builds the full re-index that replaces the bridge" in status.output

    collections["kw"] = run_reindex(config, "kw").collection  # the full re-index of the new model completes
    status = CliRunner().invoke(app, ["status", str(path)], env={"COLUMNS": "400"})
    assert f"full re-index of kw complete: {collections['kw']}; `ragshift promote -e kw` replaces the bridge" in status.output
    out = CliRunner().invoke(app, ["promote", str(path), "-e", "kw", "--sample", "40"], env={"COLUMNS": "400"})
    assert out.exit_code == 0, out.output
    assert f"production: {collections['noisy']} via bridge {folder}" in out.output and f"→ {collections['kw']}" in out.output
    alias = open_store(config.store).aliases().get("production")
    assert alias.target == (collections["kw"], None)  # the bridge is replaced
    assert [b is not None for _, b in alias.previous_targets()] == [False, True]
    assert RagshiftRetriever.from_alias("production", store=tmp_path / "chroma").embedder.fingerprint() == record["to"]["fingerprint"]

    out = CliRunner().invoke(app, ["rollback", str(path)], env={"COLUMNS": "400"})
    assert out.exit_code == 0 and f"production → {collections['noisy']} via bridge {folder}" in out.output
    assert RagshiftRetriever.from_alias("production", store=tmp_path / "chroma").embedder.fingerprint() == record["fingerprint"]
    back = rollback(config)
    assert back.target == (collections["noisy"], None) and [e["action"] for e in back.history][-2:] == ["rollback", "rollback"]


def test_a_bridge_is_refused_over_another_collection_and_after_a_refit(tmp_path, ship) -> None:
    path, config, collections = ship
    collections["kw"] = run_reindex(config, "kw").collection
    with pytest.raises(PromotionRefused, match=rf"\[FAIL\] fingerprint: collection {collections['kw']} holds vectors of embedder "
                                               r"\w+, but bridge .* maps queries into the index of noisy"):
        promote(config, "kw-bridged", collection=collections["kw"])
    promote(config, "kw-bridged", sample=40)
    promote(config, "kw", sample=40)
    # the folder is refitted (another sample): the alias's record no longer names what the folder holds
    text = (tmp_path / "bridge.toml").read_text().replace("sample = 60", "sample = 40")
    (tmp_path / "bridge.toml").write_text(text)
    assert CliRunner().invoke(app, ["bridge", str(path)]).exit_code == 0
    with pytest.raises(FingerprintMismatch, match="cannot roll back to .* now holds a bridge with fingerprint"):
        rollback(config)
    assert open_store(config.store).aliases().get("production").target == (collections["kw"], None)  # unchanged


def test_shadow_replays_against_the_bridge_the_alias_serves(tmp_path, ship) -> None:
    from ragshift.harness.shipping.shadow_run import shadow_from_config

    path, config, collections = ship
    promote(config, "kw-bridged", sample=40)
    log = tmp_path / "log.txt"
    log.write_text("pallet scanner\nrefund invoice\nvpn portal badge\n")
    run = shadow_from_config(config, log, alias="production", candidate="kw", k=5, warmup=0, output=tmp_path / "shadow")
    assert (run.result.summary["current"], run.result.summary["candidate"]) == ("kw-bridged", "kw")
    card = json.loads((run.run_dir / "run_card.json").read_text())
    record = json.loads((tmp_path / "bridges" / "kw-over-noisy" / "bridge.json").read_text())
    served = card["systems"]["kw-bridged"]
    assert served["fingerprint"] == record["fingerprint"] and served["index"]["collection"] == collections["noisy"]
    assert len(run.result.rows) == 3
