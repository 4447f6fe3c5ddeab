"""``run_finetune``: corpus → leakage guard → dev split → (mined) training set → train → model directory.

Training happens in ``.<output name>.partial/`` beside the output (checkpoints survive an
interruption and are resumed when the recipe is unchanged); the finished model directory is
renamed into place in one step, so ``output`` is never half-written.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console

from harness.corpus.model import Corpus
from harness.errors import ConfigError
from harness.finetune.card import read_record, write_card
from harness.finetune.config import FinetuneConfig
from harness.finetune.curves import Curves
from harness.finetune.distributed import is_main, world_size
from harness.finetune.data import TrainingSet, build_training_set
from harness.finetune.evalsets import EvalSets, build_eval_sets, sample_queries, split_dev
from harness.finetune.leakage import LeakageReport, QueryItem, find_leakage, guard, write_manifest
from harness.finetune.negatives import MiningResult, mine_hard_negatives
from harness.fingerprint import stable_hash
from harness.protocols import Embedder
from harness.types import Query

RECIPE = "recipe.json"
MIN_TRAIN_SAMPLE = 20


@dataclass(frozen=True)
class FinetuneResult:
    output: Path
    record: dict[str, Any]
    """What ``ragshift_finetune.json`` holds: the report's fine-tuning section."""

    @property
    def leakage(self) -> dict[str, Any]:
        return self.record["leakage"]

    @property
    def curves(self) -> dict[str, Any]:
        return self.record["curves"]


def base_embedder(cfg: FinetuneConfig) -> Embedder:
    """The base model as an Embedder, with the settings a query adapter will be loaded with."""
    from adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(cfg.base_model, max_length=cfg.max_seq_length)


def run_finetune(
    cfg: FinetuneConfig,
    corpus: Corpus,
    *,
    base: Embedder | None = None,
    output: Path | None = None,
    console: Console | None = None,
    callbacks: Sequence[Any] = (),
) -> FinetuneResult:
    """Fine-tune per ``cfg`` on ``corpus``'s train split; publish the model directory at ``output``.

    ``base`` (default: the base model) embeds for mining, the query adapter and the record; pass a
    cached one to reuse vectors. ``callbacks`` are extra ``transformers.TrainerCallback`` objects.
    """
    console = console if console is not None and is_main() else Console(quiet=True)
    output = Path(output or cfg.output)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    train_all, evaluation = _splits(cfg, corpus)
    leakage = _guard(cfg, corpus, train_all, evaluation)
    dropped = set(leakage.dropped_train)
    train_all = [q for q in train_all if q.qid not in dropped]
    train, dev = split_dev(train_all, fraction=cfg.dev_fraction, seed=cfg.seed, near_duplicate=cfg.near_duplicate)
    sample = sample_queries(train, max(len(dev), MIN_TRAIN_SAMPLE), seed=cfg.seed)
    eval_sets = build_eval_sets(corpus, {"train": sample, "dev": dev}, pool_size=cfg.dev_pool_size, seed=cfg.seed)
    console.print(
        f"fine-tune [bold]{cfg.method}[/] of {cfg.base_model}: {len(train)} train / {len(dev)} dev queries "
        f"(split {cfg.train_split!r}); leakage vs {cfg.eval_split!r}: {leakage.describe().splitlines()[0]}"
    )
    base = base or base_embedder(cfg)
    ddp = {"world_size": world_size()} if world_size() > 1 else {}  # several processes: another effective batch
    recipe_fp = stable_hash({"recipe": cfg.recipe(), "corpus": corpus.fingerprint, "dropped": sorted(dropped), **ddp})
    done = read_record(output) if cfg.resume and output.is_dir() else None
    if done is not None and done.get("recipe_fingerprint") == recipe_fp:
        console.print(f"fine-tuned model {output} is up to date (recipe {recipe_fp}): not retraining")
        return FinetuneResult(output, done)
    work = _work_dir(output, recipe_fp, resume=cfg.resume)
    t0 = time.perf_counter()
    if cfg.method == "full":
        outcome, summary, extra = _train_full(cfg, corpus, train, eval_sets, base, work, console, callbacks)
    else:
        outcome, summary, extra = _train_adapter(cfg, corpus, train, eval_sets, base, work)
    timings["train"] = time.perf_counter() - t0
    curves = Curves.from_log(outcome.log_history, tolerance=cfg.gap_tolerance)
    for flag in curves.flags():
        console.print(f"[bold yellow]warning:[/] {flag}")
    model_dir = outcome.model_dir
    if is_main():
        write_manifest(model_dir, QueryItem.from_corpus(corpus, train + dev), threshold=cfg.near_duplicate)
    timings["total"] = time.perf_counter() - started
    record = {
        "name": output.name,
        "config": cfg.model_dump(mode="json"),
        "corpus": {"name": corpus.name, "fingerprint": corpus.fingerprint, "source": corpus.source},
        "base_fingerprint": base.fingerprint(),
        "recipe_fingerprint": recipe_fp,
        "fingerprint": _weights_fingerprint(model_dir) if is_main() else None,  # rank 0 saved the model
        "training_set": summary,
        "train_queries": len(train),
        "dev_queries": len(dev),
        "eval_pool": eval_sets.describe(),
        "leakage": leakage.to_json(),
        "curves": curves.to_json(),
        "steps": outcome.steps,
        "seconds": round(timings["train"], 2),
        "timings": {k: round(v, 2) for k, v in timings.items()},
        **ddp,
        **extra,
    }
    if not is_main():  # under DDP only rank 0 writes
        return FinetuneResult(output, record)
    write_card(model_dir, record)
    final = _publish(model_dir, output)
    if not cfg.keep_checkpoints:
        shutil.rmtree(work, ignore_errors=True)
    return FinetuneResult(final, record)


def _train_full(
    cfg: FinetuneConfig,
    corpus: Corpus,
    train: list[Query],
    eval_sets: EvalSets,
    base: Embedder,
    work: Path,
    console: Console,
    callbacks: Sequence[Any],
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    from adapters.training.trainer import train_full

    mining = None
    if cfg.hard_negatives.enabled:
        t0 = time.perf_counter()
        mining = _mine(cfg, corpus, train, base)
        console.print(f"hard negatives in {time.perf_counter() - t0:.0f} s: {mining.stats.to_json()}")
    extra: list[Query] = []
    if cfg.title_pairs:
        from harness.finetune.augment import with_title_pairs

        corpus, extra = with_title_pairs(corpus, cfg.title_pairs, seed=cfg.seed)
    training_set = _training_set(cfg, corpus, train + extra, mining)
    outcome = train_full(
        cfg=cfg, training_set=training_set, eval_sets=eval_sets, work_dir=work, resume=cfg.resume,
        console=None if console.quiet else console, callbacks=callbacks,
    )
    summary = dict(training_set.summary)
    if extra:
        summary["title_pairs"] = len(extra)
    if mining is not None:
        summary["mining"] = mining.stats.to_json()
    return outcome, summary, {"resumed_from": outcome.resumed_from, "best_checkpoint": outcome.best_checkpoint}


def _train_adapter(
    cfg: FinetuneConfig, corpus: Corpus, train: list[Query], eval_sets: EvalSets, base: Embedder, work: Path
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    from adapters.training.query_adapter_train import train_query_adapter

    outcome = train_query_adapter(
        cfg=cfg, base=base, corpus=corpus, train_queries=train, eval_sets=eval_sets, work_dir=work
    )
    pairs = sum(1 for q in train for d, s in corpus.qrels.get(q.qid, {}).items() if s > 0 and d in corpus.documents)
    summary = {"loss": "softmax over candidate documents", "queries": len(train), "pairs": pairs}
    return outcome, summary, {"candidate_documents": outcome.candidates}


def _splits(cfg: FinetuneConfig, corpus: Corpus) -> tuple[list[Query], list[Query]]:
    present = ", ".join(corpus.splits()) or "none"
    train = corpus.select(cfg.train_split)
    if not train:
        raise ConfigError(f"no judged queries in train split {cfg.train_split!r}; splits present: {present}")
    if cfg.eval_split is None:
        return train, []
    if cfg.eval_split == cfg.train_split:
        raise ConfigError(f"eval_split must differ from train_split (both {cfg.train_split!r})")
    evaluation = corpus.select(cfg.eval_split)
    if not evaluation:
        raise ConfigError(f"no judged queries in eval split {cfg.eval_split!r}; splits present: {present}")
    return train, evaluation


def _guard(cfg: FinetuneConfig, corpus: Corpus, train: list[Query], evaluation: list[Query]) -> LeakageReport:
    report = find_leakage(
        QueryItem.from_corpus(corpus, train), QueryItem.from_corpus(corpus, evaluation), threshold=cfg.near_duplicate
    )
    if cfg.leakage == "drop":
        return replace(report, dropped_train=tuple(sorted({o.train_qid for o in report.overlaps})))
    return guard(report, allow=cfg.leakage == "allow")


def _mine(cfg: FinetuneConfig, corpus: Corpus, train: list[Query], base: Embedder) -> MiningResult:
    hn = cfg.hard_negatives
    doc_ids = sorted(corpus.documents)
    documents = {d: corpus.documents[d].full_text for d in doc_ids}
    check = None
    if hn.cross_encoder:
        from adapters.training.checks import cross_encoder_check

        check = cross_encoder_check(hn.cross_encoder)
    return mine_hard_negatives(
        queries={q.qid: q.text for q in train},
        query_vectors=base.embed_queries([q.text for q in train]),
        documents=documents,
        document_vectors=base.embed_documents([documents[d] for d in doc_ids]),
        qrels=corpus.qrels,
        window=hn.window,
        margin=hn.margin,
        per_query=hn.per_query,
        duplicate_threshold=cfg.duplicate_documents,
        check=check,
    )


def _training_set(cfg: FinetuneConfig, corpus: Corpus, train: list[Query], mining: MiningResult | None) -> TrainingSet:
    return build_training_set(
        corpus,
        train,
        loss=cfg.loss,
        mined=None if mining is None else mining.negatives,
        per_query=cfg.hard_negatives.per_query,
        seed=cfg.seed,
        near_duplicate=cfg.near_duplicate,
        duplicate_documents=cfg.duplicate_documents,
    )


def _weights_fingerprint(model_dir: Path) -> str:
    """Hash of the files that decide the vectors (before ragshift's own records are written)."""
    from harness.fingerprint import files_hash

    files = [p for p in model_dir.rglob("*") if p.is_file() and p.suffix in (".safetensors", ".bin", ".json", ".txt")]
    return files_hash([p for p in files if not p.name.startswith("ragshift_")])


def _work_dir(output: Path, recipe_fp: str, *, resume: bool) -> Path:
    """``.<name>.partial`` beside ``output``; reused only when it holds the same recipe and ``resume``.
    Prepared by rank 0 only (the trainer makes the other ranks wait for it before reading checkpoints)."""
    work = output.parent / f".{output.name}.partial"
    if not is_main():
        return work
    recipe_file = work / RECIPE
    same = recipe_file.is_file() and json.loads(recipe_file.read_text(encoding="utf-8")).get("recipe") == recipe_fp
    if work.exists() and not (resume and same):
        shutil.rmtree(work)
    shutil.rmtree(work / "model", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    recipe_file.write_text(json.dumps({"recipe": recipe_fp}) + "\n", encoding="utf-8")
    return work


def _publish(model_dir: Path, output: Path) -> Path:
    """Rename the finished model directory to ``output``, replacing an earlier one in one step."""
    output.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(output, old)
    os.replace(model_dir, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return output
