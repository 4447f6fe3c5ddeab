"""DDP fine-tuning: 2 CPU processes (torchrun, gloo) on the tiny corpus. Each rank trains on different
batches whose union per step is conflict-free (MNRL gathers both ranks' embeddings as negatives);
every rank keeps the same best checkpoint; rank 0 alone writes, and writes one model."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
safetensors = pytest.importorskip("safetensors.torch")

REPO = Path(__file__).resolve().parents[2]
BATCH = 3

# Each rank records the per-rank batches accelerate hands it (with the rows' key sets) and the loss it trained with.
CHILD = textwrap.dedent(
    f"""
    import json, os, sys
    from pathlib import Path

    import accelerate.data_loader as data_loader
    import ragshift.adapters.training.trainer as trainer
    from finetune_fixtures import make_corpus
    from ragshift.harness.finetune.config import FinetuneConfig
    from ragshift.harness.finetune.run import run_finetune

    out, seen, made = Path(sys.argv[2]), [], []
    shard_iter, build_loss = data_loader.BatchSamplerShard.__iter__, trainer.build_loss

    def recording(self):
        for batch in shard_iter(self):
            rows = self.batch_sampler
            seen.append([[i, sorted(rows.occupies[i]), sorted(rows.forbids[i])] for i in batch])
            yield batch

    def recorded_loss(cfg, model):
        loss = build_loss(cfg, model)
        made.append(bool(loss.gather_across_devices))
        return loss

    data_loader.BatchSamplerShard.__iter__ = recording
    trainer.build_loss = recorded_loss
    cfg = FinetuneConfig(base_model=sys.argv[1], output=out / "model", batch_size={BATCH}, epochs=2, lr=1e-4,
                         dev_fraction=0.25, dev_pool_size=20, seed=13, keep_checkpoints=True)
    result = run_finetune(cfg, make_corpus(leak=False))
    report = {{"batches": seen, "gathered": made, "record": result.record}}
    (out / f"rank{{os.environ['RANK']}}.json").write_text(json.dumps(report))
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ddp_run(minilm_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ddp")
    script = out / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests" / "finetune")]),
           "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_addr=127.0.0.1",
               f"--master_port={free_port()}", str(script), minilm_path, str(out)]
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    return out


def reports(out: Path) -> list[dict]:
    return [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]


def test_ranks_train_on_different_batches_whose_union_is_conflict_free(ddp_run: Path) -> None:
    zero, one = reports(ddp_run)
    assert zero["gathered"] == one["gathered"] == [True]  # in-batch negatives from both ranks
    assert len(zero["batches"]) == len(one["batches"]) == zero["record"]["steps"] > 0
    for mine, theirs in zip(zero["batches"], one["batches"]):
        assert len(mine) == len(theirs) == BATCH
        assert {i for i, _, _ in mine}.isdisjoint(i for i, _, _ in theirs)  # different rows
        union = mine + theirs
        occupied = [key for _, occupies, _ in union for key in occupies]
        assert len(occupied) == len(set(occupied))  # no query or document twice in the gathered batch
        for i, _, forbids in union:
            others = {key for j, occupies, _ in union if j != i for key in occupies}
            assert others.isdisjoint(forbids)  # no row's judged document is another row's negative
    first_epoch = len(zero["batches"]) // 2
    assert zero["batches"][:first_epoch] != zero["batches"][first_epoch:]  # reshuffled per epoch


def test_rank_zero_writes_one_model_with_the_best_dev_checkpoint(ddp_run: Path) -> None:
    zero, one = reports(ddp_run)
    assert zero["record"]["world_size"] == one["record"]["world_size"] == 2
    assert zero["record"]["curves"]["best"] == one["record"]["curves"]["best"]  # same selection on both ranks
    assert zero["record"]["fingerprint"] and one["record"]["fingerprint"] is None  # rank 1 saved nothing
    model = ddp_run / "model"
    assert (model / "model.safetensors").is_file() and (model / "ragshift_finetune.json").is_file()
    assert json.loads((model / "ragshift_finetune.json").read_text())["fingerprint"] == zero["record"]["fingerprint"]
    assert sorted(p.name for p in ddp_run.iterdir() if p.is_dir()) == [".model.partial", "model"]
    best = zero["record"]["curves"]["best"]
    points = zero["record"]["curves"]["points"]
    assert best["dev"] == max(p["dev"] for p in points[1:])
    checkpoint = ddp_run / ".model.partial" / "checkpoints" / f"checkpoint-{best['step']}"
    a, b = safetensors.load_file(str(model / "model.safetensors")), safetensors.load_file(str(checkpoint / "model.safetensors"))
    assert a.keys() == b.keys() and all(bool((a[k] == b[k]).all()) for k in a)
