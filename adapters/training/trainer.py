"""Full fine-tuning with ``SentenceTransformerTrainer``: per-epoch train/dev evaluation, best-by-dev
checkpoint, resumable from the last checkpoint, reproducible with a fixed seed on CPU.

Launched by ``torchrun`` or ``accelerate launch`` it trains data-parallel (DDP: gloo on CPUs, NCCL
on GPUs): each rank gets its own conflict-free batches, MNRL gathers the other ranks' embeddings as
extra in-batch negatives (``gather_across_devices``), the evaluator's dev score is broadcast so every
rank keeps the same best checkpoint, and only rank 0 writes checkpoints and the model."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accelerate import PartialState
from datasets import Dataset
from rich.console import Console
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer import losses
from sentence_transformers.sentence_transformer.trainer import SentenceTransformerTrainer
from sentence_transformers.sentence_transformer.training_args import (
    BatchSamplers,
    SentenceTransformerTrainingArguments,
)
from transformers import PrinterCallback, TrainerCallback
from transformers.trainer_utils import get_last_checkpoint
from transformers.utils import logging as hf_logging

from ragshift.adapters.training.encode import column_prompts, load_model
from ragshift.adapters.training.evaluator import PoolEvaluator
from ragshift.adapters.training.sampler import conflict_free
from ragshift.harness.errors import ConfigError
from ragshift.harness.finetune.config import IN_BATCH, FinetuneConfig
from ragshift.harness.finetune.curves import DEV_KEY
from ragshift.harness.finetune.distributed import world_size
from ragshift.harness.finetune.data import TrainingSet
from ragshift.harness.finetune.evalsets import EvalSets
from ragshift.harness.progress import progress_bar

CHECKPOINTS = "checkpoints"


@dataclass(frozen=True)
class TrainOutcome:
    model_dir: Path
    log_history: list[dict[str, Any]]
    steps: int
    resumed_from: str | None
    best_checkpoint: str | None


def _use_cpu() -> bool:
    """CPU unless a distributed launch has GPUs to spread over (one process runs on CPU: reproducible)."""
    import torch

    return not (world_size() > 1 and torch.cuda.is_available())


def build_loss(cfg: FinetuneConfig, model: SentenceTransformer):
    """sentence-transformers' own loss for ``cfg.loss``, wrapped in MatryoshkaLoss when dims are set."""
    loss = _base_loss(cfg, model)
    if not cfg.matryoshka_dims:
        return loss
    size = model.get_embedding_dimension()
    if size is not None and max(cfg.matryoshka_dims) > size:
        raise ConfigError(f"matryoshka_dims {list(cfg.matryoshka_dims)}: the model has {size} dimensions")
    return losses.MatryoshkaLoss(model, loss, matryoshka_dims=list(cfg.matryoshka_dims))


def _base_loss(cfg: FinetuneConfig, model: SentenceTransformer):
    if cfg.loss == "mnrl":
        return losses.MultipleNegativesRankingLoss(model, gather_across_devices=world_size() > 1)
    if cfg.loss == "cached-mnrl":
        return losses.CachedMultipleNegativesRankingLoss(model, mini_batch_size=cfg.mini_batch_size)
    if cfg.loss in ("gist", "cached-gist"):
        guide = load_model(cfg.guide_model or cfg.base_model, max_seq_length=cfg.max_seq_length)
        guide.requires_grad_(False)
        if cfg.loss == "gist":
            return losses.GISTEmbedLoss(model, guide)
        return losses.CachedGISTEmbedLoss(model, guide, mini_batch_size=cfg.mini_batch_size)
    if cfg.loss == "margin-mse":
        return losses.MarginMSELoss(model)
    if cfg.loss == "triplet":
        return losses.TripletLoss(
            model, distance_metric=losses.TripletDistanceMetric.COSINE, triplet_margin=cfg.triplet_margin
        )
    if cfg.loss == "cosent":
        return losses.CoSENTLoss(model)
    return losses.CosineSimilarityLoss(model)


class _Trainer(SentenceTransformerTrainer):
    """Without sentence-transformers' model-card tracking: ragshift writes its own card."""

    def add_model_card_callback(self, default_args_dict: dict[str, Any]) -> None:
        return None


class _Progress(TrainerCallback):
    """Steps as a rich progress bar (the trainer's own tqdm / printing is switched off)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar = None
        self.task = None

    def on_train_begin(self, args, state, control, **kwargs):
        self.bar = progress_bar(self.console)
        self.bar.start()
        self.task = self.bar.add_task("fine-tune steps", total=state.max_steps, completed=state.global_step)

    def on_step_end(self, args, state, control, **kwargs):
        self.bar.update(self.task, completed=state.global_step)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        shown = {k.removeprefix("eval_"): round(v, 4) for k, v in (metrics or {}).items() if "ndcg" in k}
        self.bar.console.print(f"epoch {state.epoch or 0:.2f}: {shown}")

    def on_train_end(self, args, state, control, **kwargs):
        self.bar.stop()


@contextmanager
def _no_hf_progress() -> Iterator[None]:
    """Silence transformers' own bars (weights loading, shard writing) for the duration of training."""
    was = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was:
            hf_logging.enable_progress_bar()


def _arguments(
    cfg: FinetuneConfig, training_set: TrainingSet, model: SentenceTransformer, checkpoints: Path, *, resuming: bool,
    has_dev: bool,
) -> SentenceTransformerTrainingArguments:
    """Evaluate and checkpoint every epoch (and the base model first); keep the best by dev nDCG@10."""
    in_batch_negatives = cfg.loss in IN_BATCH
    sampler = conflict_free(training_set.occupies, training_set.forbids) if in_batch_negatives else None
    return SentenceTransformerTrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps or -1,
        per_device_train_batch_size=cfg.batch_size,
        learning_rate=cfg.lr,
        warmup_steps=cfg.warmup,
        seed=cfg.seed,
        data_seed=cfg.seed,
        batch_sampler=sampler or BatchSamplers.BATCH_SAMPLER,
        prompts=column_prompts(model, training_set.columns),
        eval_strategy="epoch",
        save_strategy="epoch",
        eval_on_start=not resuming,
        logging_strategy="epoch",
        load_best_model_at_end=has_dev,
        metric_for_best_model=f"eval_{DEV_KEY}" if has_dev else None,
        greater_is_better=True,
        save_total_limit=1,
        report_to="none",
        disable_tqdm=True,
        use_cpu=_use_cpu(),
        dataloader_num_workers=0,
        dataloader_drop_last=world_size() > 1,  # what transformers sets (with a notice) under DDP anyway
    )


def train_full(
    *,
    cfg: FinetuneConfig,
    training_set: TrainingSet,
    eval_sets: EvalSets,
    work_dir: Path,
    resume: bool,
    console: Console | None = None,
    callbacks: Sequence[TrainerCallback] = (),
) -> TrainOutcome:
    """Train into ``work_dir/checkpoints``; save the kept (best-by-dev, else last) model to ``work_dir/model``."""
    checkpoints = work_dir / CHECKPOINTS
    if world_size() > 1:  # rank 0 prepared work_dir (ragshift.harness.finetune.run): wait for it before reading
        PartialState(cpu=_use_cpu()).wait_for_everyone()
    last = get_last_checkpoint(str(checkpoints)) if resume and checkpoints.is_dir() else None
    with _no_hf_progress():
        model = load_model(cfg.base_model, max_seq_length=cfg.max_seq_length)
        args = _arguments(
            cfg, training_set, model, checkpoints, resuming=last is not None, has_dev="dev" in eval_sets.queries
        )
        trainer = _Trainer(
            model=model,
            args=args,
            train_dataset=Dataset.from_dict(training_set.as_columns()),
            loss=build_loss(cfg, model),
            evaluator=PoolEvaluator(eval_sets),
            callbacks=[*([_Progress(console)] if console else []), *callbacks],
        )
        trainer.remove_callback(PrinterCallback)
        trainer.train(resume_from_checkpoint=last)
        final = work_dir / "model"
        if trainer.is_world_process_zero():
            trainer.model.save(str(final), create_model_card=False)
    return TrainOutcome(
        model_dir=final,
        log_history=list(trainer.state.log_history),
        steps=trainer.state.global_step,
        resumed_from=last,
        best_checkpoint=trainer.state.best_model_checkpoint,
    )
