"""``ragshift finetune CONFIG``: refuses leaky data by name, trains with an explicit override."""

from __future__ import annotations

import json

import pytest
from finetune_fixtures import make_corpus, write_beir
from typer.testing import CliRunner

import ragshift.harness.cli.finetune_cmd  # noqa: F401  (registers ``finetune``)
from ragshift.harness.cli import app


def write_config(tmp_path, model: str, extra: str = "") -> str:
    write_beir(make_corpus(), tmp_path / "desk")
    config = tmp_path / "run.toml"
    config.write_text(
        f"""
[corpus]
path = "desk"

[[embedders]]
name = "base"
model = "{model}"

[cache]
path = "cache"

[finetune]
base_model = "{model}"
method = "query-adapter"
output = "models/desk-qa"
dev_fraction = 0.25
{extra}
[finetune.query_adapter]
epochs = 3
""",
        encoding="utf-8",
    )
    return str(config)


def test_leaky_config_is_refused_naming_the_items(tmp_path) -> None:
    result = CliRunner().invoke(app, ["finetune", write_config(tmp_path, "all-MiniLM-L6-v2")])  # refused before the model loads
    assert result.exit_code == 2
    assert "training data overlaps the evaluation data" in result.output
    assert "'t1'" in result.output and "'e4'" in result.output
    assert not (tmp_path / "models").exists()


def test_unknown_key_is_a_clean_error(tmp_path) -> None:
    result = CliRunner().invoke(app, ["finetune", write_config(tmp_path, "x", extra="epochz = 2\n")])
    assert result.exit_code == 2 and "unknown key 'epochz'" in result.output


@pytest.mark.slow
def test_override_trains_and_reports_it(tmp_path, minilm_path) -> None:
    result = CliRunner().invoke(app, ["finetune", write_config(tmp_path, minilm_path), "--allow-leakage"])
    assert result.exit_code == 0, result.output
    assert "leakage override" in result.output
    model = tmp_path / "models" / "desk-qa"
    record = json.loads((model / "ragshift_finetune.json").read_text(encoding="utf-8"))
    assert record["leakage"]["overridden"] is True and record["config"]["leakage"] == "allow"
    assert "OVERRIDDEN" in (model / "README.md").read_text(encoding="utf-8")
    assert (tmp_path / "cache" / "embeddings.sqlite").is_file()
