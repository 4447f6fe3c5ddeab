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

from ragshift.harness import stages
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.errors import ConfigError
from ragshift.harness.finetune.card import read_record, write_card
from ragshift.harness.finetune.config import FinetuneConfig
from ragshift.harness.finetune.curves import Curves
from ragshift.harness.finetune.distributed import is_main, world_size
from ragshift.harness.finetune.data import TrainingSet, build_training_set
from ragshift.harness.finetune.evalsets import EvalSets, build_eval_sets, sample_queries, split_dev
from ragshift.harness.finetune.leakage import LeakageReport, QueryItem, find_leakage, guard, write_manifest
from ragshift.harness.finetune.negatives import MiningResult, NegativeCheck, mine_hard_negatives
from ragshift.harness.finetune.pseudo import PseudoSet, build_pseudo_set
from ragshift.harness.finetune.wiseft import AlphaChoice, GeneralSet, dev_only
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import Embedder, Generator
from ragshift.harness.types import Query

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


def run_finetune(
    cfg: FinetuneConfig,
    corpus: Corpus,
    *,
    base: Embedder | None = None,
    output: Path | None = None,
    console: Console | None = None,
    callbacks: Sequence[Any] = (),
    cache_dir: Path | None = None,
    general: Sequence[GeneralSet] = (),
    max_drop: float = 0.01,
    teacher: Any = None,
    generator: Generator | None = None,
) -> FinetuneResult:
    """Fine-tune per ``cfg`` on ``corpus``'s train split; publish the model directory at ``output``.

    ``base`` (default: the base model) embeds for mining, the query adapter, the pseudo-query filter
    and the record; pass a cached one to reuse vectors. ``callbacks`` are extra
    ``transformers.TrainerCallback`` objects. ``cache_dir`` holds generated pseudo-queries and the teacher's scores
    (default: beside ``output``); ``general`` are the ``[[datasets]]`` sets the forgetting budget protects, and
    ``max_drop`` its default budget (``[policy] max_drop``). ``teacher`` / ``generator`` default to
    the ones ``[finetune.teacher]`` / ``[finetune.sources.generated]`` describe (built, like the default
    base, by the composition root ``ragshift.harness.systems``).
    """
    from ragshift.harness import systems

    console = console if console is not None and is_main() else Console(quiet=True)
    output = Path(output or cfg.output)
    stages.enter(f"preparing the fine-tune of {cfg.base_model} (leakage check, hard negatives)",
                 f"the embedding cache; {output} is unchanged")
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
    base = base or systems.base_embedder(cfg)
    sources = cfg.effective_sources()
    if teacher is None and cfg.teacher is not None:
        teacher = systems.build_teacher(cfg.teacher)
    if teacher is not None:
        from ragshift.harness.score_cache import cached_scorer

        teacher = cached_scorer(teacher, cache_dir or output.parent)  # a rerun scores no pair twice
    if generator is None and sources is not None and sources.generated is not None:
        generator = systems.build_generator(sources.generated.generator, cache_dir or output.parent)
    if cfg.forgetting is not None:
        max_drop = cfg.forgetting.max_drop if cfg.forgetting.max_drop is not None else max_drop
    ddp = {"world_size": world_size()} if world_size() > 1 else {}  # several processes: another effective batch
    recipe_fp = stable_hash(
        {
            "recipe": cfg.recipe(), "corpus": corpus.fingerprint, "dropped": sorted(dropped),
            **_parts(cfg, teacher=teacher, generator=generator, general=general, max_drop=max_drop), **ddp,
        }
    )
    done = read_record(output) if cfg.resume and output.is_dir() else None
    if done is not None and done.get("recipe_fingerprint") == recipe_fp:
        console.print(f"fine-tuned model {output} is up to date (recipe {recipe_fp}): not retraining")
        return FinetuneResult(output, done)
    work = _work_dir(output, recipe_fp, resume=cfg.resume)
    pseudo = PseudoSet()
    if sources is not None:
        t0 = time.perf_counter()
        from ragshift.harness.finetune.pseudo_cache import FILE, PseudoQueryCache

        pseudo = build_pseudo_set(
            sources, corpus, held_out=QueryItem.from_corpus(corpus, [*evaluation, *dev]), embedder=base, seed=cfg.seed,
            near_duplicate=cfg.near_duplicate, generator=generator,
            cache=PseudoQueryCache(Path(cache_dir or output.parent) / FILE) if sources.generated else None,
            teacher=teacher, activation=cfg.teacher.activation if cfg.teacher else "sigmoid", console=console,
        )
        timings["pseudo_queries"] = time.perf_counter() - t0
        console.print(f"pseudo-queries in {timings['pseudo_queries']:.0f} s: {_describe_pseudo(pseudo.summary)}")
    stages.enter(f"fine-tuning {cfg.base_model}", f"the checkpoints saved so far in {work} (the next run resumes from the last one; --fresh starts over); {output} is unchanged")
    t0 = time.perf_counter()
    if cfg.method == "full":
        outcome, summary, extra = _train_full(cfg, corpus, train, eval_sets, base, work, console, callbacks, pseudo, teacher)
    else:
        outcome, summary, extra = _train_adapter(cfg, pseudo.augment(corpus), [*train, *pseudo.queries], eval_sets, base, work)
    timings["train"] = time.perf_counter() - t0
    if pseudo.queries or sources is not None:
        summary["synthetic_pairs"] = len(pseudo.queries)
        summary["synthetic"] = dict(pseudo.summary)
        if cfg.title_pairs:
            summary["title_pairs"] = sum(q.meta.get("source") == "title" for q in pseudo.queries)
    curves = Curves.from_log(outcome.log_history, tolerance=cfg.gap_tolerance)
    for flag in curves.flags():
        console.print(f"[bold yellow]warning:[/] {flag}")
    model_dir = outcome.model_dir
    forgetting = None
    if cfg.forgetting is not None and is_main():  # under DDP rank 0 alone mixes and writes the weights
        t0 = time.perf_counter()
        forgetting = _forgetting(cfg, model_dir, eval_sets, base, general, max_drop)
        timings["forgetting"] = time.perf_counter() - t0
        console.print(_describe_choice(forgetting))
    if is_main():
        items = QueryItem.from_corpus(corpus, train + dev) + pseudo.items()
        write_manifest(model_dir, items, threshold=cfg.near_duplicate)
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
        **({"teacher": dict(teacher.describe())} if teacher is not None else {}),
        **({"generator": dict(generator.describe())} if generator is not None else {}),
        **({"forgetting": forgetting.to_json()} if forgetting is not None else {}),
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
    pseudo: PseudoSet,
    teacher: Any,
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    from ragshift.adapters.training.trainer import train_full

    corpus = pseudo.augment(corpus)
    train = [*train, *pseudo.queries]
    mining = None
    if cfg.hard_negatives.enabled:
        t0 = time.perf_counter()
        mining = _mine(cfg, corpus, train, base, teacher)
        console.print(f"hard negatives in {time.perf_counter() - t0:.0f} s: {mining.stats.to_json()}")
    training_set = _training_set(cfg, corpus, train, mining, pseudo)
    if cfg.loss == "margin-mse":
        from ragshift.harness.finetune.teacher import with_margins

        training_set = with_margins(training_set, teacher, activation=cfg.teacher.activation, console=console)
    outcome = train_full(
        cfg=cfg, training_set=training_set, eval_sets=eval_sets, work_dir=work, resume=cfg.resume,
        console=None if console.quiet else console, callbacks=callbacks,
    )
    summary = dict(training_set.summary)
    if mining is not None:
        summary["mining"] = mining.stats.to_json()
    return outcome, summary, {"resumed_from": outcome.resumed_from, "best_checkpoint": outcome.best_checkpoint}


def _train_adapter(
    cfg: FinetuneConfig, corpus: Corpus, train: list[Query], eval_sets: EvalSets, base: Embedder, work: Path
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    from ragshift.adapters.training.query_adapter_train import train_query_adapter

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


def _mine(cfg: FinetuneConfig, corpus: Corpus, train: list[Query], base: Embedder, teacher: Any) -> MiningResult:
    hn = cfg.hard_negatives
    doc_ids = sorted(corpus.documents)
    documents = {d: corpus.documents[d].full_text for d in doc_ids}
    check: NegativeCheck | None = None
    if teacher is not None and cfg.teacher is not None and cfg.teacher.false_negatives:
        from ragshift.harness.finetune.teacher import teacher_check

        check = teacher_check(teacher)
    elif hn.cross_encoder:
        from ragshift.adapters.training.checks import cross_encoder_check

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


def _training_set(
    cfg: FinetuneConfig, corpus: Corpus, train: list[Query], mining: MiningResult | None, pseudo: PseudoSet
) -> TrainingSet:
    return build_training_set(
        corpus,
        train,
        loss=cfg.loss,
        mined=None if mining is None else mining.negatives,
        per_query=cfg.hard_negatives.per_query,
        seed=cfg.seed,
        near_duplicate=cfg.near_duplicate,
        duplicate_documents=cfg.duplicate_documents,
        positive_texts=pseudo.positive_texts,
    )


def _parts(
    cfg: FinetuneConfig, *, teacher: Any, generator: Generator | None, general: Sequence[GeneralSet], max_drop: float
) -> dict[str, Any]:
    """What the weights depend on beyond the recipe: teacher, generator, protected sets (only when used)."""
    parts: dict[str, Any] = {}
    if cfg.effective_sources() is not None:
        from ragshift.harness.finetune.sources import SOURCES_VERSION

        parts["sources_version"] = SOURCES_VERSION
    if teacher is not None:
        parts["teacher"] = teacher.fingerprint()
    if generator is not None:
        parts["generator"] = generator.fingerprint()
    if cfg.forgetting is not None:
        parts["forgetting"] = {"max_drop": max_drop, "general": [g.fingerprint() for g in general]}
    return parts


def _forgetting(
    cfg: FinetuneConfig, model_dir: Path, eval_sets: EvalSets, base: Embedder, general: Sequence[GeneralSet], max_drop: float
) -> AlphaChoice:
    spec = cfg.forgetting
    sets = {g.name: g.eval_sets(max_queries=spec.max_queries, pool_size=spec.pool_size, seed=cfg.seed) for g in general}
    dev = dev_only(eval_sets)
    if dev is not None:
        sets = {"dev": dev, **sets}
    if cfg.method == "full":
        from ragshift.adapters.training.wiseft import choose_full

        return choose_full(cfg, model_dir, sets, spec.alphas, max_drop=max_drop)
    from ragshift.adapters.training.wiseft import choose_adapter

    return choose_adapter(model_dir, base, sets, spec.alphas, max_drop=max_drop)


def _describe_pseudo(summary: dict[str, Any]) -> str:
    parts = [f"{name} {s['kept']}" for name, s in summary.get("sources", {}).items()]
    return (
        f"{summary.get('pairs', 0)} pairs ({', '.join(parts) or 'none'}) from {summary.get('chunks_sampled', 0)} of "
        f"{summary.get('chunks', 0)} chunks ({summary.get('chunks_held_out', 0)} held out: eval/dev positives)"
    )


def _describe_choice(choice: AlphaChoice) -> str:
    lines = [f"forgetting budget (max drop {choice.max_drop:g}): α = {choice.alpha:g} — {choice.reason}"]
    for p in choice.points:
        general = ", ".join(f"{k} {v:.4f}" for k, v in p.general.items())
        dev = "-" if p.dev is None else f"{p.dev:.4f}"
        mark = " rejected" if p.alpha in choice.rejected else (" chosen" if p.alpha == choice.alpha else "")
        lines.append(f"  α {p.alpha:<4g} dev {dev}{'  ' + general if general else ''}{mark}")
    return "\n".join(lines)


def _weights_fingerprint(model_dir: Path) -> str:
    """Hash of the files that decide the vectors (before ragshift's own records are written)."""
    from ragshift.harness.fingerprint import files_hash

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
