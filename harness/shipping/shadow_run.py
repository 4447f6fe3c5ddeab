"""``shadow_from_config``: build the current and the candidate retriever of a run config, replay a query
log through both and publish rows.jsonl, summary.json and report.html in one run folder."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from rich.console import Console

from ragshift.harness import stages
from ragshift.harness.config import EmbedderConfig, RunConfig
from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import files_hash, stable_hash
from ragshift.harness.rundir import SUMMARY, publish_run
from ragshift.harness.shipping.querylog import QueryLog, load_query_log
from ragshift.harness.shipping.replay import ShadowResult, run_shadow
from ragshift.harness.shipping.shadow import DEFAULT_P

REPORT = "report.html"


@dataclass(frozen=True)
class ShadowRun:
    run_id: str
    run_dir: Path
    result: ShadowResult
    log: QueryLog

    @property
    def report_path(self) -> Path:
        return self.run_dir / REPORT


def choose_pair(
    config: RunConfig, *, current: str | None = None, candidate: str | None = None, served: EmbedderConfig | None = None
) -> tuple[EmbedderConfig, EmbedderConfig]:
    """What to compare: ``current`` defaults to the config's baseline, ``candidate`` to the first other
    ``[[embedders]]`` table, else to the model ``[finetune]`` trained (named after its folder, as
    ``ragshift run`` names it). The one place that turns names into systems (a registry alias can
    resolve to a name before calling this). ``served`` is the embedder an alias's collection records:
    it is the current one, even when the config does not list it."""
    specs = {e.name: e for e in config.embedders}
    if served is not None:
        specs[served.name] = served
        current = served.name
    trained = trained_candidate(config)
    if trained is not None:
        specs.setdefault(trained.name, trained)
    hint = ""
    if config.finetune is not None and trained is None:
        hint = f" ([finetune] output {config.finetune.output} holds no trained model yet: run `ragshift run` first)"

    def pick(name: str) -> EmbedderConfig:
        if name not in specs:
            raise ConfigError(f"no embedder named {name!r}; embedders: {', '.join(specs)}{hint}")
        return specs[name]

    cur = pick(current or config.baseline)
    if candidate is None:
        others = [e for e in specs.values() if e.name != cur.name]
        if not others:
            raise ConfigError(
                f"shadow needs two embedders, the config has only {cur.name!r}: add a second [[embedders]] "
                f"table (the candidate) or name one with --candidate{hint}"
            )
        return cur, others[0]
    cand = pick(candidate)
    if cand.name == cur.name:
        raise ConfigError(f"current and candidate are both {cur.name!r}; name two different embedders")
    return cur, cand


def trained_candidate(config: RunConfig) -> EmbedderConfig | None:
    """The model the config's ``[finetune]`` section trained, as ``ragshift run`` evaluates it; None
    when there is no such section or its output folder holds no finished model."""
    from ragshift.harness.finetune.card import RECORD
    from ragshift.harness.systems import trained_embedder

    settings = config.finetune
    if settings is None or not (Path(settings.output) / RECORD).is_file():
        return None
    return trained_embedder(settings)


def served_system(config: RunConfig, alias: str, console: Console) -> tuple[EmbedderConfig, Any]:
    """What ``alias`` serves now: its collection, queried with the embedder the collection records."""
    from ragshift.harness.recorded_model import spec_of
    from ragshift.harness.retrieval import IndexRetriever
    from ragshift.harness.shipping.aliases import resolve
    from ragshift.harness.shipping.aliases import describe_target
    from ragshift.harness.shipping.promote import served_embedder
    from ragshift.harness.systems import System, build_chunker, open_store

    store = open_store(config.store)
    pointed = resolve(store.aliases(), alias)
    index = store.open(pointed.collection)
    spec, embedder = spec_of(index.tags), served_embedder(config, pointed.target, index)
    if pointed.bridge is not None:
        spec = EmbedderConfig(name=f"{pointed.bridge.target_name}-bridged", kind="bridged", model=pointed.bridge.path)
    console.print(f"current: alias [bold]{alias}[/] → {describe_target(pointed.target)} ({spec.name}, fingerprint "
                  f"{index.embedder_fingerprint if pointed.bridge is None else embedder.fingerprint()})")
    retriever = IndexRetriever(index, LiveQueries(embedder), fanout=config.store.fanout)  # type: ignore[arg-type]
    info = {"collection": index.name, "alias": alias, "chunks": index.count(), "reused": True}
    return spec, System(spec.name, embedder, build_chunker(config), retriever, info, {"index": 0.0})


class LiveQueries:
    """A ``CachedEmbedder`` whose queries skip the cache: shadow latency must include encoding each
    query, as a live request does. Documents (and everything else) still go through the cache."""

    def __init__(self, cached: Any) -> None:
        self._cached = cached

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._cached.inner.embed_queries(texts), dtype=np.float32)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cached, name)


def shadow_from_config(
    config: RunConfig,
    log_path: Path,
    *,
    current: str | None = None,
    candidate: str | None = None,
    alias: str | None = None,
    k: int = 10,
    p: float = DEFAULT_P,
    limit: int | None = None,
    dedupe: bool = False,
    warmup: int = 3,
    output: Path | None = None,
    console: Console | None = None,
) -> ShadowRun:
    from ragshift.harness.corpus import load_section
    from ragshift.harness.progress import progress_bar
    from ragshift.harness.report.shadow import render_shadow_html
    from ragshift.harness.runcard import versions
    from ragshift.harness.systems import build_system, load_embedder

    console = console or Console(quiet=True)
    served = served_system(config, alias, console) if alias else None
    cur_spec, cand_spec = choose_pair(config, current=current, candidate=candidate, served=served[0] if served else None)
    log = load_query_log(log_path, limit=limit, dedupe=dedupe)
    corpus = load_section(config.corpus)
    console.print(
        f"shadow: {len(log)} logged queries from {log_path} against {len(corpus.documents)} documents of {corpus.name}"
    )
    systems = {}
    if served is not None:
        systems[cur_spec.name] = served[1]
    for spec in (cur_spec, cand_spec):
        if spec.name in systems:
            continue
        embedder = load_embedder(config, spec, console=console)
        systems[spec.name] = build_system(config, spec, LiveQueries(embedder), corpus, console=console)  # type: ignore[arg-type]
    started = time.perf_counter()
    stages.enter("the shadow replay", stages.SCORING.replace("run folder", "shadow report"))
    bar = progress_bar(console)
    bar.live.auto_refresh = False  # no refresh thread competing with the timed calls: redraw between queries
    with bar:
        task = bar.add_task("replaying queries", total=len(log))
        result = run_shadow(
            systems[cur_spec.name].retriever,
            systems[cand_spec.name].retriever,
            list(log.queries),
            k=k,
            p=p,
            warmup=warmup,
            names=(cur_spec.name, cand_spec.name),
            on_query=lambda done: bar.update(task, completed=done, refresh=True),
        )
    replay_s = time.perf_counter() - started
    described = {name: {**s.describe(), "index": s.index_info} for name, s in systems.items()}
    key = {
        "log": files_hash([log.path]),
        "limit": limit,
        "dedupe": dedupe,
        "k": k,
        "p": p,
        "warmup": warmup,
        "corpus": corpus.fingerprint,
        "chunking": config.chunking.model_dump(mode="json"),
        "fanout": config.store.fanout,
        "systems": [described[cur_spec.name]["fingerprint"], described[cand_spec.name]["fingerprint"]],
    }
    run_id = f"{config.run.name}-shadow-{stable_hash(key, length=10)}"
    details = {
        "run_id": run_id,
        "current": cur_spec.name,
        "candidate": cand_spec.name,
        "log": log.describe(),
        "corpus": {"name": corpus.name, "source": corpus.source, "fingerprint": corpus.fingerprint,
                   "documents": len(corpus.documents)},
        "systems": described,
        "settings": {"k": k, "p": p, "warmup": warmup, "limit": limit, "dedupe": dedupe,
                     "query_cache": "bypassed (every query encoded)"},
        "config_fingerprint": config.fingerprint(),
        "versions": versions(),
        "timings": {"replay_s": replay_s, **{f"{n}.index_s": s.timings.get("index") for n, s in systems.items()}},
    }
    html = render_shadow_html(result, run_id=run_id, documents=corpus.documents, details=details)
    final = publish_run(output or config.run.output, run_id, rows=result.rows, card=details,
                        data={SUMMARY: result.summary}, texts={REPORT: html})
    return ShadowRun(run_id, final, result, log)
