"""``run_eval``: every configured system on every dataset → per-query rows (+ answers) → comparison →
one published run folder.

Each step lives in its room: the composition root (``ragshift.harness.systems``) builds the systems,
``ragshift.harness.evaluate`` scores them, finetune supplies leakage reports and seen/unseen marks
(``finetune/facts.py``), shipping the rollback facts (``shipping/collections.py``), the answer stage
its rows and card section, ``system_cost`` the cost figures; the card is a typed ``RunCard`` and
``ragshift.harness.rundir`` publishes the folder.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from rich.console import Console
from rich.markup import escape

from ragshift.harness import stages
from ragshift.harness.answers import AnswerStage
from ragshift.harness.config import RunConfig
from ragshift.harness.datasets import Dataset, load_dataset
from ragshift.harness.diagnosis import POOL_DEPTH, Pool
from ragshift.harness.diagnosis import summarize as summarize_diagnosis
from ragshift.harness.evaluate import evaluate
from ragshift.harness.finetune.facts import check_leakage, mark_seen, seen_by_training
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.rundir import publish_run
from ragshift.harness.runcard import DatasetFacts, RunCard, TrainingFacts, versions
from ragshift.harness.types import Row

if TYPE_CHECKING:
    from ragshift.harness.systems import System, SystemBuilder

JUDGING = "judging"
"""Run-folder sub-folder of the judging sheet (sheet.jsonl, sheet.html)."""


@dataclass
class RunResult:
    run_id: str
    run_dir: Path
    rows: list[Row]
    run_card: dict[str, Any]
    report_path: Path
    verdict: str | None


@dataclass
class _Tally:
    """What the evaluation loop collects for the run card."""

    rows: list[Row] = field(default_factory=list)
    systems: dict[str, Any] = field(default_factory=dict)
    cost: dict[str, Any] = field(default_factory=dict)
    latency: dict[str, dict[str, float]] = field(default_factory=dict)
    built: dict[str, dict[str, Any]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    baseline_store: tuple[str | None, Callable[[], set[str]] | None] | None = None


def run_eval(
    config: RunConfig,
    *,
    output: Path | None = None,
    console: Console | None = None,
    allow_leakage: bool = False,
    training: Mapping[str, TrainingFacts] | None = None,
    extras: Mapping[str, Any] | None = None,
    wait: float = 0.0,
    cross_scorers: Mapping[str, Any] | None = None,
) -> RunResult:
    """Evaluate every configured system (each embedder's dense one, then ``[[systems]]``) on the same queries of every dataset; publish atomically.

    A model trained by ragshift is refused on queries that overlap its training queries unless
    ``allow_leakage`` (the report then says so in red). ``training`` holds the records of fine-tuned
    systems (curves, training set); ``extras`` go into the run card as they are. A collection that
    must be written is written under the store's write lock, waiting up to ``wait`` seconds for it.
    ``cross_scorers`` maps a ``cross_encoder`` value to a ready scorer (instead of loading one).
    """
    from ragshift.harness.systems import SystemBuilder

    console = console or Console(quiet=True)
    started = time.perf_counter()
    datasets = load_datasets(config, console)
    tally = _Tally(timings={"load_corpora": time.perf_counter() - started})
    leakage = check_leakage(config, datasets, allow=allow_leakage)
    seen = seen_by_training(config, datasets)
    stage = answer_stage(config)
    builder = SystemBuilder(config, console=console, wait=wait, cross_scorers=cross_scorers)
    pools = {ds.name: Pool(ds.name, ds.queries, ds.corpus.qrels, ds.corpus.documents) for ds in datasets}
    for spec in config.all_systems:
        for ds in datasets:
            _score_system(config, builder, spec, ds, first=ds is datasets[0], pool=pools[ds.name],
                          seen=seen.get(ds.name), stage=stage, tally=tally, console=console)
    from ragshift.harness.decision import index_cost

    costs = {s.name: index_cost(config, s.name, tally.built, tally.cost) for s in config.all_systems}
    rollback = None
    if tally.baseline_store is not None:
        from ragshift.harness.shipping.collections import rollback_facts
        from ragshift.harness.systems import open_store

        fingerprint = tally.systems[config.baseline]["fingerprint"]
        rollback = rollback_facts(config, *tally.baseline_store, store=open_store(config.store), fingerprint=fingerprint)
    stages.enter("comparing the systems", stages.SCORING)
    answers = stage.fingerprint() if stage is not None else None
    run_id = make_run_id(config, [ds.corpus.fingerprint for ds in datasets], tally.systems, answers=answers)
    comparison = compare(config, tally.rows, console)
    tally.timings["total"] = time.perf_counter() - started
    card = RunCard(
        run_id=run_id,
        name=config.run.name,
        seed=config.run.seed,
        config_fingerprint=config.fingerprint(),
        config=config.model_dump(mode="json"),
        corpus=DatasetFacts.of(datasets[0]),
        datasets=tuple(DatasetFacts.of(ds) for ds in datasets),
        systems=tally.systems,
        baseline=config.baseline,
        metrics=tuple(m.label for m in config.metrics.specs),
        versions=versions(),
        timings=tally.timings,
        leakage=leakage,
        diagnosis=summarize_diagnosis(list(pools.values())),
        query_latency=tally.latency,
        index_cost=costs,
        cost=tally.cost,
        rollback=rollback,
        answers=stage.card_section(tally.rows) if stage is not None else None,
        training=dict(training or {}),
        extras=dict(extras or {}),
    )
    sheet = [item for pool in pools.values() for item in pool.sheet()]
    return publish(config, run_id, tally.rows, card.to_json(), comparison, output=output, sheet=sheet)


def load_datasets(config: RunConfig, console: Console) -> list[Dataset]:
    """The ``[corpus]`` and every ``[[datasets]]`` set (gold answers only when the answer stage needs them)."""
    stages.enter("loading the corpus")
    gold = config.answers is not None and config.answers.needs_references
    datasets = [load_dataset(config.corpus, answers=gold)] + [load_dataset(d, d.name, answers=gold) for d in config.datasets]
    for ds in datasets:
        console.print(
            f"dataset [bold]{ds.name}[/]: {len(ds.corpus.documents)} documents, "
            f"{len(ds.queries)} judged queries (split {ds.split or 'all'})"
        )
        if ds.corpus.skipped_empty:
            console.print(f"[yellow]warning[/]: {escape(ds.corpus.skipped_warning() or '')}")
    return datasets


def _score_system(
    config: RunConfig, builder: SystemBuilder, spec: Any, ds: Dataset, *, first: bool, pool: Pool,
    seen: Mapping[str, bool] | None, stage: AnswerStage | None, tally: _Tally, console: Console,
) -> None:
    """Build (or reuse) system ``spec`` over ``ds``, evaluate it and add what it gave to ``tally``;
    ``first``: ``ds`` is the run's ``[corpus]`` (latency, cost and the rollback facts are measured there)."""
    from ragshift.harness.system_cost import measure_system_cost, time_queries

    system: System = builder.build(spec.name, ds.corpus)
    stages.enter(f"scoring {ds.name} with {spec.name}", stages.SCORING)
    evaluation = evaluate(spec.name, system.retriever, ds.queries, ds.corpus.qrels, config.metrics.specs,
                          depth=config.metrics.depth, dataset=ds.name)
    hits = evaluation.hits
    prefix = spec.name if first else f"{spec.name}.{ds.name}"
    tally.timings[f"{prefix}.retrieve"] = evaluation.seconds
    pool.add(spec.name, hits)
    if first and config.cost.enabled:
        with builder.live_scores():  # a reranker's latency is its model's, not the score cache's
            tally.latency[spec.name] = time_queries(system.retriever, ds.queries, config)
    if spec.kind in ("dense", "bm25") and config.metrics.depth < POOL_DEPTH:
        pool.add_deep(system.retriever.retrieve(ds.queries, k=POOL_DEPTH))
    tally.timings.update({f"{prefix}.{k}": v for k, v in system.timings.items()})
    scored = mark_seen(evaluation.rows, seen)
    if stage is not None:
        t0 = time.perf_counter()
        scored = stage.add_answers(scored, spec.name, ds, hits, console)
        tally.timings[f"{prefix}.answers"] = time.perf_counter() - t0
    tally.rows.extend(scored)
    tally.systems.setdefault(spec.name, {**system.describe(), "indexes": {}})["indexes"][ds.name] = system.index_info
    if not first:
        return
    tally.built[spec.name] = system.index_info
    if config.cost.enabled and spec.kind == "dense" and spec.embedder is not None:
        tally.cost[spec.name] = measure_system_cost(config, config.embedder(spec.embedder), system, ds, console, name=spec.name)
    if spec.name == config.baseline and system.embedder is not None:
        tally.baseline_store = (system.index_info.get("collection"), system.collections)


def answer_stage(config: RunConfig) -> AnswerStage | None:
    """The configured answer stage (generator, scorers, judge), or None without ``[answers]``."""
    if config.answers is None:
        return None
    from ragshift.harness.systems import build_answer_stage

    return build_answer_stage(config.answers, cache_dir=config.cache.path)


def compare(config: RunConfig, rows: Sequence[Row], console: Console) -> Any:
    """Baseline vs every other system, when there are two or more."""
    if len(config.all_systems) < 2:
        return None
    from ragshift.harness.compare.configured import compare_configured

    comparison = compare_configured(config, rows)
    console.print(f"verdict: [bold]{comparison.verdict.value}[/]")
    return comparison


def make_run_id(
    config: RunConfig, corpus_fps: Sequence[str], systems: dict[str, Any], *, answers: str | None = None
) -> str:
    """``<name>-<hash>``: the same settings, data and models give the same id on any machine.

    ``answers`` is the answer stage's fingerprint (generator, prompt template, scorers, judge).
    """
    where = {"run": {"output"}, "corpus": {"path"}, "store": {"path", "url", "host", "port", "ssl", "token_env", "token_header"}, "cache": {"path"}, "cost": True, "engine": True,
             "embedders": {"__all__": {"model"}}, "systems": {"__all__": {"cross_encoder"}}, "datasets": {"__all__": {"path"}}}
    settings = config.model_dump(mode="json", exclude=where)
    key = stable_hash(
        {
            "settings": settings,
            "corpora": list(corpus_fps),
            "systems": {n: s.get("fingerprint") for n, s in systems.items()},
            "seed": config.run.seed,
            **({"answers": answers} if answers is not None else {}),
        },
        length=10,
    )
    return f"{config.run.name}-{key}"


def publish(
    config: RunConfig,
    run_id: str,
    rows: list[Row],
    run_card: dict[str, Any],
    comparison: Any,
    *,
    output: Path | None,
    sheet: Sequence[Mapping[str, Any]] | None = None,
) -> RunResult:
    """The report of ``rows`` and the judging sheet (``judging/``, when given), published with the rows
    and the run card as one run folder by ``ragshift.harness.rundir.publish_run``."""
    from ragshift.harness.report import build_report

    stages.enter(f"publishing {run_id}", "the earlier run folder of this run id, if any; the staging folder is removed")
    texts: dict[str, str] = {}
    if sheet is not None:
        from ragshift.harness.judging import sheet_texts

        sheet_files = sheet_texts([dict(i) for i in sheet], title=f"judging sheet of {run_id}")
        texts = {f"{JUDGING}/{name}": text for name, text in sheet_files.items()}
    report = build_report(rows, run_card, comparison)
    final = publish_run(output or config.run.output, run_id, rows=rows, card=run_card, report=report, texts=texts)
    verdict = comparison.verdict.value if comparison is not None else None
    return RunResult(run_id, final, rows, run_card, final / "report.html", verdict)
