"""Real (tiny) fine-tunes of the packaged all-MiniLM-L6-v2: every loss, best checkpoint, seed, resume, card."""

from __future__ import annotations

from pathlib import Path

import pytest
from finetune_fixtures import make_corpus

from ragshift.harness.finetune.config import FinetuneConfig
from ragshift.harness.finetune.run import FinetuneResult, run_finetune

pytestmark = pytest.mark.slow

safetensors = pytest.importorskip("safetensors.torch")
transformers = pytest.importorskip("transformers")

TINY = dict(batch_size=8, lr=1e-4, dev_fraction=0.25, dev_pool_size=20, seed=13)
TWO_EPOCHS = dict(TINY, epochs=2, hard_negatives={"enabled": True, "window": [1, 10]})
"""12 train queries → 12 rows → 2 steps per epoch, 4 in all; mined negatives."""


def weights(model_dir: Path) -> dict:
    return safetensors.load_file(str(Path(model_dir) / "model.safetensors"))


def same_weights(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(bool((a[k] == b[k]).all()) for k in a)


@pytest.fixture(scope="module")
def train(minilm_path, tmp_path_factory):
    def run(name: str, *, callbacks=(), **settings) -> FinetuneResult:
        out = tmp_path_factory.mktemp(name) / "model"
        cfg = FinetuneConfig(base_model=minilm_path, output=out, **settings)
        return run_finetune(cfg, make_corpus(leak=False), callbacks=callbacks)

    return run


@pytest.fixture(scope="module")
def two_epochs(train) -> FinetuneResult:
    return train("two-epochs", keep_checkpoints=True, **TWO_EPOCHS)


@pytest.mark.parametrize("loss", ["triplet", "cosent", "cosine"])
def test_each_loss_trains_a_loadable_model(train, minilm_path, loss: str) -> None:
    from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

    result = train(loss, loss=loss, epochs=1, max_steps=2, **TINY)
    assert result.record["steps"] == 2 and result.record["training_set"]["loss"] == loss
    assert not same_weights(weights(result.output), weights(minilm_path))
    vectors = SentenceTransformerEmbedder(str(result.output)).embed_queries(["where do visitors park?"])
    assert vectors.shape == (1, 384)
    assert [p["step"] for p in result.curves["points"]] == [0, 2]


def test_mnrl_with_mined_negatives_keeps_the_best_dev_checkpoint(two_epochs: FinetuneResult) -> None:
    record = two_epochs.record
    assert record["steps"] == 4
    assert record["training_set"]["columns"] == ["anchor", "positive", "negative_1"]
    assert record["training_set"]["mining"]["negatives_mined"] > 0
    points = record["curves"]["points"]
    assert [p["step"] for p in points] == [0, 2, 4]
    assert all(p["train"] is not None and p["dev"] is not None for p in points)
    best = record["curves"]["best"]
    assert best["dev"] == max(p["dev"] for p in points[1:])
    checkpoint = two_epochs.output.parent / ".model.partial" / "checkpoints" / f"checkpoint-{best['step']}"
    assert same_weights(weights(two_epochs.output), weights(checkpoint))


def test_model_card_and_records_are_written(two_epochs: FinetuneResult, minilm_path) -> None:
    out = two_epochs.output
    card = (out / "README.md").read_text(encoding="utf-8")
    for fragment in (minilm_path, "mnrl", "| seed | 13 |", "| batch size | 8 |", "## Dev curves", "| 0 | 0 |",
                     "## Fingerprint", two_epochs.record["fingerprint"], "0 overlaps found"):
        assert fragment in card
    assert (out / "ragshift_finetune.json").is_file() and (out / "ragshift_training.json").is_file()
    assert set(two_epochs.record) >= {"config", "corpus", "training_set", "curves", "leakage", "fingerprint"}
    assert not list(out.parent.glob(".model.old*"))


def test_same_seed_gives_identical_weights(two_epochs: FinetuneResult, train) -> None:
    again = train("two-epochs-again", **TWO_EPOCHS)
    assert same_weights(weights(again.output), weights(two_epochs.output))
    assert again.record["fingerprint"] == two_epochs.record["fingerprint"]
    assert not (again.output.parent / ".model.partial").exists()  # checkpoints removed by default


class Interrupt(Exception):
    pass


class InterruptAfterFirstSave(transformers.TrainerCallback):
    def on_save(self, args, state, control, **kwargs):
        raise Interrupt(f"stopped at step {state.global_step}")


def test_interrupted_training_resumes_from_the_last_checkpoint(two_epochs: FinetuneResult, minilm_path, tmp_path):
    out = tmp_path / "model"
    cfg = FinetuneConfig(base_model=minilm_path, output=out, **TWO_EPOCHS)
    with pytest.raises(Interrupt, match="step 2"):
        run_finetune(cfg, make_corpus(leak=False), callbacks=[InterruptAfterFirstSave()])
    assert not out.exists()  # nothing half-written
    assert (tmp_path / ".model.partial" / "checkpoints" / "checkpoint-2").is_dir()
    resumed = run_finetune(cfg, make_corpus(leak=False))
    assert resumed.record["resumed_from"].endswith("checkpoint-2")
    assert [p["step"] for p in resumed.curves["points"]] == [0, 2, 4]
    assert same_weights(weights(out), weights(two_epochs.output))
