"""``ragshift run`` end to end: fine-tune (a query adapter on the packaged MiniLM), then evaluate the base
model and the trained one; the run card carries the training facts; a second run retrains nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from finetune_fixtures import make_corpus, write_beir
from typer.testing import CliRunner

from ragshift.harness.cli import app
from ragshift.harness.runcard import RunCard
from support.configs import write_config


@pytest.mark.slow
def test_run_trains_then_compares_and_records_the_training(minilm_path, tmp_path: Path) -> None:
    corpus = write_beir(make_corpus(leak=False), tmp_path / "desk")
    config = write_config(
        tmp_path / "story.toml",
        run={"name": "story", "output": tmp_path / "reports"},
        corpus={"path": corpus, "split": "test"},
        chunking={"strategy": "none"},
        embedders=[{"name": "baseline", "model": minilm_path}],
        store={"path": tmp_path / "chroma"},
        cache={"path": tmp_path / "cache"},
        metrics={"names": ["ndcg@3", "recall@3"]},
        compare={"n_resamples": 99},
        cost={"enabled": False},
        finetune={"base_model": minilm_path, "method": "query-adapter", "output": tmp_path / "desk-qa",
                  "dev_fraction": 0.25, "seed": 3, "query_adapter": {"epochs": 3, "lr": 5e-3}},
    )
    first = CliRunner().invoke(app, ["run", str(config)], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    card = json.loads(next((tmp_path / "reports").glob("story-*/run_card.json")).read_text())
    assert sorted(card["systems"]) == ["baseline", "desk-qa"]
    assert card["systems"]["desk-qa"]["embedder"]["kind"] == "query-adapter"
    typed = RunCard.from_json(card).training["desk-qa"]
    assert typed.recipe and typed.curve and typed.fingerprint and card["leakage"]["desk-qa"]["overridden"] is False
    again = CliRunner().invoke(app, ["run", str(config)], catch_exceptions=False)
    assert again.exit_code == 0 and "is up to date" in again.output and "not retraining" in again.output
