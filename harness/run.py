"""``run_eval``: corpus → chunks → embedder → index → retriever → per-query rows (+ answers) → comparison → run folder."""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from rich.console import Console
from rich.markup import escape

from ragshift.harness import stages
from ragshift.harness.answers import AnswerStage, build_answer_stage, failure_counts, merge_rows
from ragshift.harness.config import EmbedderConfig, RunConfig
from ragshift.harness.datasets import Dataset, load_dataset
from ragshift.harness.diagnosis import POOL_DEPTH, Pool
from ragshift.harness.diagnosis import summarize as summarize_diagnosis
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.metrics.rows import rows_from_hits
from ragshift.harness.rundir import RUN_CARD, StagedRun
from ragshift.harness.types import Hit, Row

if TYPE_CHECKING:
    from ragshift.harness.systems import System

JUDGING = "judging"
"""Run-folder sub-folder of the judging sheet (sheet.jsonl, sheet.html)."""
VERSIONED = (
    "ragshift", "torch", "sentence-transformers", "transformers", "llama-index-core",
    "llama-index-vector-stores-chroma", "chromadb", "ir-measures", "pytrec-eval-terrier", "numpy", "scipy",
)


@dataclass
class RunResult:
    run_id: str
    run_dir: Path
    rows: list[Row]
    run_card: dict[str, Any]
    report_path: Path
    verdict: str | None


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def run_eval(
    config: RunConfig,
    *,
    output: Path | None = None,
    console: Console | None = None,
    allow_leakage: bool = False,
    extras: Mapping[str, Any] | None = None,
    wait: float = 0.0,
    cross_scorers: Mapping[str, Any] | None = None,
) -> RunResult:
    """Evaluate every configured system (each embedder's dense one, then ``[[systems]]``) on the same queries of every dataset; publish atomically.

    A model trained by ragshift is refused on queries that overlap its training queries unless
    ``allow_leakage`` (the report then says so in red). ``extras`` go into the run card as they are
    (e.g. ``training`` records and ``training_curves`` of fine-tuned systems). A collection that must
    be written is written under the store's write lock, waiting up to ``wait`` seconds for it.
    ``cross_scorers`` maps a ``cross_encoder`` value to a ready scorer (instead of loading one).
    """
    from ragshift.harness.systems import SystemBuilder

    console = console or Console(quiet=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    stages.enter("loading the corpus")
    gold = config.answers is not None and config.answers.needs_references
    datasets = [load_dataset(config.corpus, answers=gold)] + [load_dataset(d, d.name, answers=gold) for d in config.datasets]
    timings["load_corpora"] = time.perf_counter() - started
    for ds in datasets:
        console.print(
            f"dataset [bold]{ds.name}[/]: {len(ds.corpus.documents)} documents, "
            f"{len(ds.queries)} judged queries (split {ds.split or 'all'})"
        )
        if ds.corpus.skipped_empty:
            console.print(f"[yellow]warning[/]: {escape(ds.corpus.skipped_warning() or '')}")
    leakage = check_leakage(config, datasets, allow=allow_leakage)
    seen = seen_by_training(config, datasets)
    stage = answer_stage(config)
    rows: list[Row] = []
    systems: dict[str, Any] = {}
    cost: dict[str, Any] = {}
    baseline_store: tuple[str | None, Callable[[], set[str]] | None] | None = None
    builder = SystemBuilder(config, console=console, wait=wait, cross_scorers=cross_scorers)
    latency: dict[str, dict[str, float]] = {}
    built: dict[str, dict[str, Any]] = {}
    pools = {ds.name: Pool(ds.name, ds.queries, ds.corpus.qrels, ds.corpus.documents) for ds in datasets}
    for spec in config.all_systems:
        for ds in datasets:
            system = builder.build(spec.name, ds.corpus)
            stages.enter(f"scoring {ds.name} with {spec.name}", stages.SCORING)
            t0 = time.perf_counter()
            hits = system.retriever.retrieve(ds.queries, k=config.metrics.depth)
            prefix = spec.name if ds is datasets[0] else f"{spec.name}.{ds.name}"
            timings[f"{prefix}.retrieve"] = time.perf_counter() - t0
            pools[ds.name].add(spec.name, hits)
            if ds is datasets[0] and config.cost.enabled:
                with builder.live_scores():  # a reranker's latency is its model's, not the score cache's
                    latency[spec.name] = time_queries(system.retriever, ds.queries, config)
            if spec.kind in ("dense", "bm25") and config.metrics.depth < POOL_DEPTH:
                pools[ds.name].add_deep(system.retriever.retrieve(ds.queries, k=POOL_DEPTH))
            timings.update({f"{prefix}.{k}": v for k, v in system.timings.items()})
            scored = mark_seen(score_rows(spec.name, ds, hits, config), seen.get(ds.name))
            if stage is not None:
                t0 = time.perf_counter()
                scored = add_answers(stage, scored, spec.name, ds, hits, console)
                timings[f"{prefix}.answers"] = time.perf_counter() - t0
            rows.extend(scored)
            systems.setdefault(spec.name, {**system.describe(), "indexes": {}})["indexes"][ds.name] = system.index_info
            if ds is datasets[0]:
                built[spec.name] = system.index_info
            if ds is datasets[0] and config.cost.enabled and spec.kind == "dense" and spec.embedder is not None:
                cost[spec.name] = measure_system_cost(config, config.embedder(spec.embedder), system, ds, console, name=spec.name)
            if ds is datasets[0] and spec.name == config.baseline and system.embedder is not None:
                baseline_store = (system.index_info.get("collection"), system.collections)
    from ragshift.harness.decision import index_cost

    costs = {s.name: index_cost(config, s.name, built, cost) for s in config.all_systems}
    rollback = rollback_facts(config, *baseline_store) if baseline_store is not None else {}
    if rollback and systems.get(config.baseline):
        from ragshift.harness.shipping.collections import alias_facts
        from ragshift.harness.systems import open_store

        rollback.update(alias_facts(open_store(config.store), systems[config.baseline]["fingerprint"]))
    answers = stage.fingerprint() if stage is not None else None
    stages.enter("comparing the systems", stages.SCORING)
    run_id = make_run_id(config, [ds.corpus.fingerprint for ds in datasets], systems, answers=answers)
    comparison = compare(config, rows, console)
    timings["total"] = time.perf_counter() - started
    run_card = {
        "run_id": run_id,
        "name": config.run.name,
        "seed": config.run.seed,
        "config_fingerprint": config.fingerprint(),
        "config": config.model_dump(mode="json"),
        "corpus": describe_dataset(datasets[0]),
        "datasets": [describe_dataset(ds) for ds in datasets],
        "systems": systems,
        "baseline": config.baseline,
        "metrics": [m.label for m in config.metrics.specs],
        "versions": versions(),
        "timings": timings,
        "leakage": leakage,
        "diagnosis": summarize_diagnosis(list(pools.values())),
        **({"query_latency": latency} if latency else {}),
        "index_cost": costs,
        **({"cost": cost} if cost else {}),
        "rollback": rollback,
        **({"answers": describe_answers(stage, rows)} if stage is not None else {}),
        **(extras or {}),
    }
    sheet = [item for pool in pools.values() for item in pool.sheet()]
    return publish(config, run_id, rows, run_card, comparison, output=output, sheet=sheet)


def time_queries(retriever: Any, queries: Sequence[Any], config: RunConfig) -> dict[str, float]:
    """p50/p95 of one query at a time through the system as evaluated (embedding cache on, cross-encoders
    scoring live), on the first ``[cost] latency_queries`` queries after ``[cost] warmup`` untimed ones."""
    from ragshift.harness.cost import percentile

    sample = list(queries[: config.cost.latency_queries])
    for q in sample[: config.cost.warmup]:
        retriever.retrieve([q], k=config.metrics.depth)
    times = []
    for q in sample:
        t0 = time.perf_counter()
        retriever.retrieve([q], k=config.metrics.depth)
        times.append(1000.0 * (time.perf_counter() - t0))
    if not times:
        return {}
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "n": len(times)}


def check_leakage(config: RunConfig, datasets: Sequence[Dataset], *, allow: bool) -> dict[str, Any]:
    """Leakage reports of ragshift-trained models (per embedder) against every evaluated dataset."""
    from ragshift.harness.bridge.specs import query_model_dir
    from ragshift.harness.finetune.leakage import check_model

    found: dict[str, Any] = {}
    for spec in config.embedders:
        model_dir = query_model_dir(spec)
        if model_dir is None:
            continue
        for ds in datasets:
            report = check_model(model_dir, ds.corpus, ds.queries, allow=allow)
            if report is not None and (report.overlaps or spec.name not in found):
                found[spec.name] = report.to_json()
    return found


def measure_system_cost(
    config: RunConfig, spec: EmbedderConfig, system: System, ds: Dataset, console: Console, *, name: str | None = None
) -> dict[str, Any]:
    """Run-card ``cost[<system>]``: latency, throughput and memory of a fresh uncached instance of the
    embedder on a small sample of ``ds`` (see ``ragshift.harness.cost``), next to how its index was built."""
    from ragshift.harness import systems as composition
    from ragshift.harness.cost import measure_cost, sample_chunks

    documents = list(ds.corpus.documents.values())
    chunks = sample_chunks(documents, system.chunker.chunk, config.cost.throughput_chunks, seed=config.run.seed)
    figures = measure_cost(
        lambda: composition.uncached_embedder(config, spec),
        queries=ds.queries,
        chunks=chunks,
        settings=config.cost,
        make_retriever=system.reopen,
        k=config.metrics.depth,
        seed=config.run.seed,
    )
    info = system.index_info
    figures["dataset"] = ds.name
    figures["corpus"] = {"documents": len(ds.corpus.documents), "chunks": info.get("chunks")}
    figures["index_build"] = {
        "seconds": info.get("seconds"),
        "collection": info.get("collection"),
        "reused": info.get("reused"),
        "chunks": info.get("chunks"),
        "added": info.get("added"),
        "embedded": info.get("cache_misses"),
        "from_cache": info.get("cache_hits"),
    }
    q, e, m = figures["query_encode"], figures["corpus_encode"], figures["memory"]
    latency = figures.get("query_latency") or {}
    console.print(
        f"cost [bold]{escape(name or spec.name)}[/]: query encode p50 {q['p50_ms']:.1f} ms / p95 {q['p95_ms']:.1f} ms, "
        f"query p50 {latency.get('p50_ms', float('nan')):.1f} ms, {e['chunks_per_s']:.1f} chunks/s, "
        f"peak +{m['peak_above_before_mb']:.0f} MB [dim](uncached, {q['n']} queries, {e['chunks']} chunks)[/]"
    )
    return figures


def rollback_facts(config: RunConfig, collection: str | None, collections: Callable[[], set[str]] | None) -> dict[str, Any]:
    """Run-card ``rollback``: the baseline's collection and whether the store holds it at the end of the run
    (``collections`` lists the store's collections; None leaves ``present`` unknown)."""
    present = collection in collections() if collection and collections is not None else None
    server = getattr(config.store, "server_url", None)  # newer configs name a server by url
    where = server or (f"{config.store.host}:{config.store.port or 8000}" if config.store.host else str(config.store.path))
    return {"baseline": config.baseline, "collection": collection, "store": where, "present": present}


def seen_by_training(config: RunConfig, datasets: Sequence[Dataset]) -> dict[str, dict[str, bool]]:
    """Per dataset and query: does a relevant document of it appear among the training positives of any
    evaluated ragshift-trained model? (Only datasets of the corpus those models were trained on.)"""
    from ragshift.harness.bridge.specs import query_model_dir
    from ragshift.harness.finetune.leakage import seen_positives

    found: dict[str, dict[str, bool]] = {}
    for spec in config.embedders:
        model_dir = query_model_dir(spec)
        if model_dir is None:
            continue
        for ds in datasets:
            marks = seen_positives(model_dir, ds.corpus, ds.queries)
            if marks is not None:
                old = found.setdefault(ds.name, {})
                found[ds.name] = {q: old.get(q, False) or v for q, v in marks.items()}
    return found


def mark_seen(rows: list[Row], seen: Mapping[str, bool] | None) -> list[Row]:
    """Rows with ``meta["train_positive"]`` = ``seen`` / ``unseen`` (unchanged when nothing was trained)."""
    from dataclasses import replace

    from ragshift.harness.finetune.leakage import TRAIN_POSITIVE

    if not seen:
        return rows
    return [replace(r, meta={**r.meta, TRAIN_POSITIVE: "seen" if seen.get(r.qid) else "unseen"}) for r in rows]


def describe_dataset(ds: Dataset) -> dict[str, Any]:
    return {
        "name": ds.name,
        "source": ds.corpus.source,
        "fingerprint": ds.corpus.fingerprint,
        "documents": len(ds.corpus.documents),
        "queries": len(ds.queries),
        "split": ds.split,
        "skipped_empty": list(ds.corpus.skipped_empty),
    }


def score_rows(system: str, ds: Dataset, hits: dict[str, list], config: RunConfig) -> list[Row]:
    """One row per judged query: its metrics, its ranked hits and its relevant documents."""
    return rows_from_hits(system, ds.queries, hits, ds.corpus.qrels, config.metrics.specs, dataset=ds.name)


def answer_stage(config: RunConfig) -> AnswerStage | None:
    """The configured answer stage (generator, scorers, judge), or None without ``[answers]``."""
    if config.answers is None:
        return None
    return build_answer_stage(config.answers, cache_dir=config.cache.path)


def add_answers(
    stage: AnswerStage, scored: list[Row], system: str, ds: Dataset, hits: Mapping[str, Sequence[Hit]], console: Console
) -> list[Row]:
    """Retrieval rows with answer metrics added: the first ``max_queries`` queries are answered from
    their retrieved chunks; the others keep retrieval metrics only."""
    queries = ds.queries[: stage.config.max_queries]
    answered = stage.rows(system, queries, hits, ds.corpus, console=console)
    means = " · ".join(f"{m} {v:.3f}" if v is not None else f"{m} —" for m, v in answer_means(answered).items())
    failed = failure_counts(answered).get(system, {})
    console.print(f"answers [bold]{escape(system)}[/] on {escape(ds.name)} ({len(queries)} queries): {escape(means)}")
    if failed:
        listed = ", ".join(f"{m} {n}" for m, n in failed.items())
        console.print(f"[yellow]failed judge verdicts[/] (scored None, not 0): {escape(listed)}")
    return merge_rows(scored, answered)


def answer_means(rows: Sequence[Row]) -> dict[str, float | None]:
    """Mean of each answer metric over the rows that have a value (None where none has)."""
    labels = dict.fromkeys(m for r in rows for m in r.metrics)
    values = {m: [r.metrics[m] for r in rows if r.metrics.get(m) is not None] for m in labels}
    return {m: (sum(v) / len(v) if v else None) for m, v in values.items()}


def describe_answers(stage: AnswerStage, rows: Sequence[Row]) -> dict[str, Any]:
    """Run-card section: generator, judge and prompt (with fingerprints), cache use, failed verdicts."""
    return {
        **stage.describe(),
        "prompt_template_fingerprint": stage.config.generator.prompt_template.fingerprint(),
        "max_queries": stage.config.max_queries,
        "failures": failure_counts(rows),
    }


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
    """Write rows, run card, reports and the judging sheet (``judging/``, when given) into a staging
    folder, then rename it into place."""
    from ragshift.harness.report import build_report, write_report

    stages.enter(f"publishing {run_id}", "the earlier run folder of this run id, if any; the staging folder is removed")
    staged = StagedRun(output or config.run.output, run_id)
    try:
        staged.write_rows(rows)
        staged.write_json(RUN_CARD, run_card)
        write_report(staged.path, build_report(rows, run_card, comparison))
        if sheet is not None:
            from ragshift.harness.judging import sheet_texts
            from ragshift.harness.report import write_atomic

            for name, text in sheet_texts([dict(i) for i in sheet], title=f"judging sheet of {run_id}").items():
                write_atomic(staged.path / JUDGING / name, text)
        final = staged.publish()
    except BaseException:
        staged.discard()
        raise
    verdict = comparison.verdict.value if comparison is not None else None
    return RunResult(run_id, final, rows, run_card, final / "report.html", verdict)
