"""``run_eval``: corpus → chunks → embedder → index → retriever → per-query rows → run folder."""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

from rich.console import Console

from harness.config import RunConfig
from harness.errors import ConfigError
from harness.fingerprint import stable_hash
from harness.metrics.retrieval import score_queries
from harness.rundir import RUN_CARD, StagedRun
from harness.types import Query, Row

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
    timings: dict[str, float] = field(default_factory=dict)


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def run_eval(config: RunConfig, *, output: Path | None = None, console: Console | None = None) -> RunResult:
    """Evaluate every configured embedder on the same queries; publish the run folder atomically."""
    from harness.corpus import load_corpus
    from harness.systems import build_system

    console = console or Console(quiet=True)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    corpus = load_corpus(config.corpus.path, format=config.corpus.format, query_type_field=config.corpus.query_type_field)
    timings["load_corpus"] = time.perf_counter() - started
    queries = corpus.select(config.corpus.split)
    if not queries:
        raise ConfigError(
            f"{config.corpus.path}: no judged queries in split {config.corpus.split!r}; "
            f"splits present: {', '.join(corpus.splits()) or 'none'}"
        )
    console.print(
        f"corpus [bold]{corpus.name}[/]: {len(corpus.documents)} documents, "
        f"{len(queries)} judged queries (split {config.corpus.split or 'all'})"
    )
    depth = config.metrics.depth
    rows: list[Row] = []
    systems: dict[str, Any] = {}
    for spec in config.embedders:
        system = build_system(config, spec, corpus, console=console)
        t0 = time.perf_counter()
        hits = system.retriever.retrieve(queries, k=depth)
        timings[f"{spec.name}.retrieve"] = time.perf_counter() - t0
        timings.update({f"{spec.name}.{k}": v for k, v in system.timings.items()})
        rows.extend(score_rows(spec.name, queries, hits, corpus.qrels, config))
        systems[spec.name] = system.describe()
    run_id = make_run_id(config, corpus.fingerprint, systems)
    timings["total"] = time.perf_counter() - started
    run_card = {
        "run_id": run_id,
        "name": config.run.name,
        "seed": config.run.seed,
        "config_fingerprint": config.fingerprint(),
        "config": config.model_dump(mode="json"),
        "corpus": {
            "name": corpus.name,
            "source": corpus.source,
            "fingerprint": corpus.fingerprint,
            "documents": len(corpus.documents),
            "queries": len(queries),
            "split": config.corpus.split,
        },
        "systems": systems,
        "metrics": [m.label for m in config.metrics.specs],
        "versions": versions(),
        "timings": timings,
    }
    return publish(config, run_id, rows, run_card, output=output, console=console)


def score_rows(
    system: str,
    queries: Sequence[Query],
    hits: dict[str, list],
    qrels: dict[str, dict[str, int]],
    config: RunConfig,
) -> list[Row]:
    judged = {q.qid: dict(qrels.get(q.qid, {})) for q in queries}
    run = {qid: {h.doc_id: h.score for h in hits.get(qid, [])} for qid in judged}
    per_query = score_queries(judged, run, config.metrics.specs)
    return [
        Row(
            system=system,
            qid=q.qid,
            query=q.text,
            query_type=q.query_type,
            split=q.split,
            metrics=per_query[q.qid],
            hits=tuple(hits.get(q.qid, [])),
            relevant={d: s for d, s in judged[q.qid].items() if s > 0},
            meta=dict(q.meta),
        )
        for q in queries
    ]


def make_run_id(config: RunConfig, corpus_fp: str, systems: dict[str, Any]) -> str:
    """``<name>-<hash>``: the same settings, data and models give the same id on any machine."""
    where = {"run": {"output"}, "corpus": {"path"}, "store": {"path"}, "cache": {"path"}, "embedders": {"__all__": {"model"}}}
    settings = config.model_dump(mode="json", exclude=where)
    key = stable_hash(
        {
            "settings": settings,
            "corpus": corpus_fp,
            "systems": {n: s.get("fingerprint") for n, s in systems.items()},
            "seed": config.run.seed,
        },
        length=10,
    )
    return f"{config.run.name}-{key}"


def publish(
    config: RunConfig,
    run_id: str,
    rows: list[Row],
    run_card: dict[str, Any],
    *,
    output: Path | None,
    console: Console,
) -> RunResult:
    from harness.report import build_report, write_report

    staged = StagedRun(output or config.run.output, run_id)
    try:
        staged.write_rows(rows)
        staged.write_json(RUN_CARD, run_card)
        report = build_report(rows, run_card)
        write_report(staged.path, report)
        final = staged.publish()
    except BaseException:
        staged.discard()
        raise
    return RunResult(run_id, final, rows, run_card, final / "report.html", run_card["timings"])


