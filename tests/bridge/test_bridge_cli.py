"""``ragshift bridge CONFIG``: writes the bridge folder; bad config is one line and exit 2, with nothing written."""

from __future__ import annotations

import json

import pytest
from bridge_fixtures import VOCAB, write_config
from typer.testing import CliRunner

from ragshift.harness.cli import app


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_bridge_writes_the_folder_and_says_how_to_use_it(tmp_path) -> None:
    result = run("bridge", str(write_config(tmp_path)))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "bridges" / "kw-over-noisy"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "bridge.json", "map.npz"]
    record = json.loads((folder / "bridge.json").read_text())
    assert (record["from"]["name"], record["to"]["name"]) == ("noisy", "kw")
    assert record["from"]["spec"] == {"name": "noisy", "kind": "degraded", "noise": 0.6,
                                      "of": {"name": "kw", "kind": "keyword", "vocabulary": VOCAB, "query_prompt": "",
                                             "document_prompt": "", "normalize": True}}
    assert record["document_fingerprint"] == record["from"]["document_fingerprint"]
    assert record["map"]["kind"] == "orthogonal" and record["map"]["options"] == {"kind": "orthogonal", "identity_weight": 0.01, "seed": 0}
    sample = record["sample"]
    assert sample["chunks"] == 60 and sample["train"] + sample["heldout"] == 60 and sample["heldout"] >= 2
    heldout = record["quality"]["heldout"]
    assert heldout["bridge"]["n"] == sample["heldout"] and heldout["no_bridge"]["n"] == sample["heldout"]
    assert 0 < heldout["bridge"]["mean_cosine"] <= 1 and 0 <= heldout["bridge"]["neighbours"] <= 1
    assert "bridge kw → noisy: 60 chunks of 60 documents" in result.output
    assert "held-out fit" in result.output and "no bridge" in result.output
    assert f'kind = "bridged"  model = "{folder}"' in result.output


def test_second_run_embeds_nothing_and_writes_the_same_map(tmp_path) -> None:
    config = write_config(tmp_path)
    assert run("bridge", str(config)).exit_code == 0
    first = json.loads((tmp_path / "bridges" / "kw-over-noisy" / "bridge.json").read_text())
    # "noisy" adds noise to cached "kw" vectors, so embedding it first put kw's vectors in the cache too
    assert first["timings"]["embedded_from"] == 60 and first["timings"]["embedded_to"] == 0
    assert run("bridge", str(config), "-o", str(tmp_path / "again")).exit_code == 0
    second = json.loads((tmp_path / "again" / "bridge.json").read_text())
    assert second["timings"]["embedded_from"] == 0 and second["timings"]["embedded_to"] == 0  # the embedding cache
    assert second["fingerprint"] == first["fingerprint"] and second["sample"] == first["sample"]


SMALL = f'[[embedders]]\nname = "small"\nkind = "keyword"\nvocabulary = {json.dumps(VOCAB[:12])}\n'


@pytest.mark.parametrize(
    ("section", "extra_embedders", "message"),
    [
        ("", "", "this command needs a [bridge] section"),
        ('from = "nosuch"\nto = "kw"\n', "", "no embedder named 'nosuch'; embedders: noisy, kw"),
        ('from = "kw"\nto = "kw"\n', "", "from and to are both 'kw'"),
        ('from = "noisy"\nto = "kw"\nmap = "cubic"\n', "", "[bridge] map: Input should be 'orthogonal', 'affine' or 'mlp'"),
        ('from = "noisy"\nto = "kw"\nrank = 4\n', "", "'rank' not used by map = \"orthogonal\""),
        ('from = "noisy"\nto = "kw"\nsample = 5\n', "", "[bridge] sample: Input should be greater than or equal to 10"),
        ('from = "noisy"\nto = "kw"\nsmaple = 50\n', "", "[bridge] unknown key 'smaple'"),
        ('to = "kw"\n', "", "[bridge] missing required key 'from'"),
        ('from = "small"\nto = "kw"\n', SMALL, 'map = "orthogonal" needs both models to have the same dimension (new 21, old 13)'),
        ('from = "noisy"\nto = "kw"\nsample = 5000\nholdout = 0.99\n', "", "too few to fit a bridge on"),
    ],
)
def test_bad_config_is_one_line_exit_2_and_writes_nothing(tmp_path, section, extra_embedders, message) -> None:
    config = write_config(tmp_path, bridge=section, extra_embedders=extra_embedders)
    result = run("bridge", str(config))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "bridges").exists()


def test_a_bridged_embedder_needs_its_folder(tmp_path) -> None:
    config = write_config(tmp_path, extra_embedders='[[embedders]]\nname = "b"\nkind = "bridged"\n')
    result = run("eval", str(config))
    assert result.exit_code == 2 and 'kind = "bridged" needs model' in result.output
    config = write_config(tmp_path, extra_embedders='[[embedders]]\nname = "b"\nkind = "bridged"\nmodel = "./nowhere"\n')
    result = run("eval", str(config))
    assert result.exit_code == 2 and "is not a bridge folder: bridge.json is missing" in result.output


def test_leakage_checks_follow_a_bridge_to_its_new_model(tmp_path) -> None:
    from ragshift.harness.bridge.specs import query_model_dir
    from ragshift.harness.config import EmbedderConfig

    assert run("bridge", str(write_config(tmp_path))).exit_code == 0
    folder = tmp_path / "bridges" / "kw-over-noisy"
    spec = EmbedderConfig(name="b", kind="bridged", model=str(folder))
    assert query_model_dir(spec) is None  # its new model is a keyword space, not a model folder
    record = json.loads((folder / "bridge.json").read_text())
    record["to"]["spec"] = {"name": "kw", "kind": "sentence-transformers", "model": str(tmp_path)}
    (folder / "bridge.json").write_text(json.dumps(record))
    assert query_model_dir(spec) == tmp_path
    assert query_model_dir(EmbedderConfig(name="m", model=str(tmp_path))) == tmp_path
