"""Blue/green: promote after checks, refuse a worse or incomplete collection, roll back, drop, status."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ragshift.adapters.llamaindex.retriever import RagshiftRetriever
from ragshift.harness.cli import app
from ragshift.harness.config import load_config
from ragshift.harness.errors import ConfigError, FingerprintMismatch, PromotionRefused
from ragshift.harness.shipping.promote import drop, promote, rollback
from ragshift.harness.shipping.reindex_job import run_reindex
from ragshift.harness.systems import open_store
from ragshift.harness.testing.embedders import KeywordEmbedder
from tests.shipping.ship_fixtures import FEW, WORDS, write_config, write_corpus


@pytest.fixture
def path(tmp_path):
    return write_config(tmp_path, write_corpus(tmp_path / "corpus"))


@pytest.fixture
def config(path):
    return load_config(path)


@pytest.fixture
def built(config):
    return {name: run_reindex(config, name).collection for name in ("fewer", "keywords")}


def test_promote_rollback_round_trip(config, built):
    first = promote(config, "fewer")
    assert first.alias.collection == built["fewer"]
    assert [c.mark for c in first.checks] == ["ok", "ok", "ok", "skip"]  # new alias: nothing to compare with
    second = promote(config, "keywords", sample=30)
    assert (second.alias.collection, second.alias.previous) == (built["keywords"], (built["fewer"],))
    sample = second.checks[-1]
    assert sample.ok and "policy verdict pass" in sample.detail
    back = rollback(config)
    assert (back.collection, back.previous) == (built["fewer"], ())
    assert [e["action"] for e in back.history] == ["promote", "promote", "rollback"]
    again = promote(config, "keywords")  # and forward again
    assert open_store(config.store).aliases().get("production").collection == again.alias.collection


def test_worse_candidate_is_refused_by_the_sample_evaluation(config, built):
    promote(config, "keywords")
    with pytest.raises(PromotionRefused, match=r"\[FAIL\] sample evaluation: 30 queries, ndcg@10 1\.0000 → 0\.\d+, policy verdict fail; .*ndcg@10 on all -0\.\d+"):
        promote(config, "fewer", sample=30)
    assert open_store(config.store).aliases().get("production").collection == built["keywords"]
    forced = promote(config, "fewer", force=True)
    assert forced.forced and "forced past: sample evaluation" in forced.alias.history[-1]["note"]


def test_incomplete_or_missing_collection_is_refused(tmp_path, config, built):
    index = open_store(config.store).open(built["keywords"])
    index.remove([sorted(index.ids())[0]])
    with pytest.raises(PromotionRefused, match=f"FAIL\\] complete: {len(WORDS) - 1} vectors, corpus has {len(WORDS)}"):
        promote(config, "keywords")
    write_corpus(tmp_path / "corpus", edit={"d1": "Laptops are now leased."})
    with pytest.raises(PromotionRefused, match="another version of the corpus"):
        promote(load_config(tmp_path / "ship.toml"), "fewer")
    with pytest.raises(PromotionRefused, match="collection: no Chroma collection 'nope'"):
        promote(config, "keywords", collection="nope")


def test_collection_of_another_model_is_refused(config, built):
    with pytest.raises(PromotionRefused, match="FAIL\\] fingerprint: holds embedder"):
        promote(config, "keywords", collection=built["fewer"])


def test_app_opens_the_alias_and_mixed_versions_are_refused(config, built):
    promote(config, "fewer")
    store = open_store(config.store)
    retriever = RagshiftRetriever.from_alias("production", store=store)  # model from the collection's record
    assert retriever.index.name == built["fewer"]
    assert retriever.retrieve("badge lost")[0].node.ref_doc_id == "d0"
    with pytest.raises(FingerprintMismatch, match="refusing to query"):
        RagshiftRetriever.from_alias("production", store=store, embedder=KeywordEmbedder(WORDS))
    with pytest.raises(ConfigError, match="no alias 'staging'; aliases present: production"):
        RagshiftRetriever.from_alias("staging", store=store)


def test_drop_keeps_what_rollback_needs(config, built):
    promote(config, "fewer")
    promote(config, "keywords")
    with pytest.raises(ConfigError, match="alias production points at"):
        drop(config, built["keywords"])
    with pytest.raises(ConfigError, match="kept for rollback of alias production"):
        drop(config, built["fewer"])
    assert drop(config, built["fewer"], force=True) == ["production"]
    with pytest.raises(ConfigError, match="no previous collection"):
        rollback(config)


def test_cli_round_trip_and_status(path, built):
    run = CliRunner().invoke
    assert run(app, ["promote", str(path), "-e", "fewer"]).exit_code == 0
    out = run(app, ["promote", str(path), "-e", "keywords", "--sample", "30"])
    assert out.exit_code == 0, out.output
    assert f"production: {built['fewer']} → {built['keywords']}" in out.output
    refused = run(app, ["promote", str(path), "-e", "fewer", "--sample", "30"])
    assert refused.exit_code == 2 and "not promoting" in refused.output
    status = run(app, ["status", str(path)])
    assert status.exit_code == 0
    assert built["keywords"] in status.output and "(production rollback)" in status.output
    out = run(app, ["rollback", str(path)])
    assert out.exit_code == 0 and f"production → {built['fewer']}" in out.output
    assert len(FEW) == 5


def test_shadow_replays_against_what_the_alias_serves(tmp_path, config, built):
    from ragshift.harness.shipping.shadow_run import shadow_from_config

    promote(config, "fewer")
    log = tmp_path / "log.txt"
    log.write_text("badge lost\nmy vpn does not work\nwhere is the gym\ncourier pickup\n")
    run = shadow_from_config(config, log, alias="production", candidate="keywords", k=5, warmup=0,
                             output=tmp_path / "shadow")
    assert (run.result.summary["current"], run.result.summary["candidate"]) == ("fewer", "keywords")
    card = (run.run_dir / "run_card.json").read_text()
    assert built["fewer"] in card and '"alias": "production"' in card
    rows = {r.qid: r for r in run.result.rows}
    assert len(rows) == 4


def test_eval_report_checklist_knows_the_alias(tmp_path, config, built):
    from ragshift.harness.run import run_eval
    from ragshift.harness.report.worth import NOT_OK, OK, rollback_ready
    from ragshift.harness.runcard import RunCard

    promote(config, "fewer")  # production serves the baseline ("fewer" is the config's first embedder)
    card = run_eval(config, output=tmp_path / "r1").run_card
    check = rollback_ready(RunCard.from_json(card).rollback_facts())
    assert check.state == OK and f"serves the baseline's '{built['fewer']}'" in check.reason
    promote(config, "keywords")
    card = run_eval(config, output=tmp_path / "r2").run_card
    check = rollback_ready(RunCard.from_json(card).rollback_facts())
    assert check.state == OK and f"returns to the baseline's '{built['fewer']}'" in check.reason
    drop(config, built["fewer"], force=True)
    card = run_eval(config, output=tmp_path / "r3").run_card
    assert rollback_ready(RunCard.from_json(card).rollback_facts()).state == NOT_OK
