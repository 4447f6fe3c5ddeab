"""The fingerprint hashes exactly the files modules.json's modules load, whatever their folders are called."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder, loaded_files
from ragshift.harness.errors import RagshiftError

DIM = 384
TEXTS = ["Returns are accepted within 30 days.", "Reset the scanner firmware by holding the key.",
         "The office closes in August.", "VPN access needs approval."]


def with_dense(minilm_path: str, root: Path, folder: str, *, seed: int) -> Path:
    """A copy of MiniLM with a Dense layer (identity plus seeded noise) saved in ``folder``, listed in
    modules.json before Normalize: a valid sentence-transformers model."""
    from safetensors.numpy import save_file

    shutil.copytree(minilm_path, root)
    dense = root / folder
    dense.mkdir(parents=True)
    (dense / "config.json").write_text(json.dumps(
        {"in_features": DIM, "out_features": DIM, "bias": True, "activation_function": "torch.nn.modules.linear.Identity"}
    ))
    noise = np.random.default_rng(seed).normal(0, 0.02, (DIM, DIM)).astype(np.float32)
    save_file({"linear.weight": np.eye(DIM, dtype=np.float32) + noise, "linear.bias": np.zeros(DIM, np.float32)},
              str(dense / "model.safetensors"))
    modules = json.loads((root / "modules.json").read_text())
    modules.insert(2, {"idx": 2, "name": "dense", "path": folder, "type": "sentence_transformers.models.Dense"})
    (root / "modules.json").write_text(json.dumps(modules, indent=2))
    return root


def fingerprint(folder: Path) -> str:
    return SentenceTransformerEmbedder(str(folder)).fingerprint()


@pytest.mark.parametrize("folder", ["runs/dense", "onnx", "openvino", ".git/dense", ".cache", "checkpoint-500/dense", "2_Dense"])
def test_a_module_in_any_folder_is_hashed(minilm_path, tmp_path, folder):
    one = with_dense(minilm_path, tmp_path / "one", folder, seed=1)
    other = with_dense(minilm_path, tmp_path / "other", folder, seed=2)
    assert one / folder / "model.safetensors" in set(loaded_files(one))
    assert fingerprint(one) != fingerprint(other)


def test_files_no_module_loads_do_not_change_it(minilm_path, tmp_path):
    model = with_dense(minilm_path, tmp_path / "m", "runs/dense", seed=1)
    before = fingerprint(model)
    extras = {
        "runs/events.out.tfevents.1": b"\x00log",
        "runs/dense/notes.txt": b"scratch",
        "checkpoint-5/model.safetensors": b"older weights",
        "onnx/model.onnx": b"onnx export",
        "README.md": b"# card",
        "ragshift_finetune.json": b'{"seconds": 12.5}',
        "trainer_state.json": b'{"step": 1}',
    }
    for rel, data in extras.items():
        (model / rel).parent.mkdir(parents=True, exist_ok=True)
        (model / rel).write_bytes(data)
    assert fingerprint(model) == before


def test_the_module_list_and_prompts_are_hashed(minilm_path, tmp_path):
    model = with_dense(minilm_path, tmp_path / "m", "runs/dense", seed=1)
    before = fingerprint(model)
    config = model / "config_sentence_transformers.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "prompts": {"query": "query: "}}))
    assert fingerprint(model) != before


def test_a_module_path_leaving_the_folder_is_refused(minilm_path, tmp_path):
    model = with_dense(minilm_path, tmp_path / "m", "runs/dense", seed=1)
    modules = json.loads((model / "modules.json").read_text())
    modules[2]["path"] = "../elsewhere"
    (model / "modules.json").write_text(json.dumps(modules))
    with pytest.raises(RagshiftError, match="leaves the model folder"):
        fingerprint(model)


def test_damaged_modules_json_is_a_clear_error(minilm_path, tmp_path):
    model = tmp_path / "m"
    shutil.copytree(minilm_path, model)
    (model / "modules.json").write_text('[{"path": ')
    with pytest.raises(RagshiftError, match="modules.json: not valid JSON"):
        fingerprint(model)


@pytest.mark.slow
def test_eval_of_two_versions_differing_in_runs_gives_two_collections(minilm_path, tmp_path):
    """The reported bug: a Dense module in runs/ changed weights, the fingerprint did not, and the second
    model was answered from the first one's collection (identical rows)."""
    from typer.testing import CliRunner

    from ragshift.harness.cli import app
    from ragshift.harness.rundir import read_rows

    one = with_dense(minilm_path, tmp_path / "one", "runs/dense", seed=1)
    other = with_dense(minilm_path, tmp_path / "other", "runs/dense", seed=2)
    corpus = tmp_path / "kb"
    (corpus / "qrels").mkdir(parents=True)
    (corpus / "corpus.jsonl").write_text("".join(json.dumps({"_id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(TEXTS)))
    (corpus / "queries.jsonl").write_text('{"_id": "q1", "text": "firmware reset"}\n{"_id": "q2", "text": "when is the office closed"}\n')
    (corpus / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
    config = tmp_path / "two.toml"
    config.write_text(
        f'[run]\nname = "two"\n[corpus]\npath = "{corpus}"\n[chunking]\nstrategy = "none"\n[cost]\nenabled = false\n'
        f'[[embedders]]\nname = "one"\nmodel = "{one}"\n[[embedders]]\nname = "other"\nmodel = "{other}"\n'
        '[metrics]\nnames = ["ndcg@3"]\n[compare]\nn_resamples = 99\n'
    )
    result = CliRunner().invoke(app, ["eval", str(config)])
    assert result.exit_code in (0, 1), result.output
    run_dir = next((tmp_path / "reports").iterdir())
    card = json.loads((run_dir / "run_card.json").read_text())
    collections = {name: s["indexes"]["kb"]["collection"] for name, s in card["systems"].items()}
    assert collections["one"] != collections["other"]
    scores = {(r.system, r.qid): [h.score for h in r.hits] for r in read_rows(run_dir)}
    assert any(scores[("one", q)] != scores[("other", q)] for (_, q) in scores)
