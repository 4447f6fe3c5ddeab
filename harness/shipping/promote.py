"""``promote`` / ``rollback`` / ``drop``: move an alias between serving collections, after checks.

Promote checks, in order: the collection exists; it holds vectors of the configured embedder
(fingerprint); its reindex finished and its chunk count and corpus fingerprint match the corpus
now; and a sample evaluation on judged queries is not worse than the alias's current collection
under the config's regression policy. Any failed check refuses the switch (``--force`` switches
anyway and records why in the alias history). The switch itself is one atomic registry write.

A ``kind = "bridged"`` embedder promotes the collection of the bridge's ``from`` model (its document
fingerprint) and records the bridge in the alias (``ragshift.harness.shipping.bridged``): the same
collection served through a bridge is a different target than served plainly, so the sample
evaluation compares them. Promoting the new model's own collection later replaces the bridge.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from ragshift.harness.compare.configured import compare_configured
from ragshift.harness.config import RunConfig
from ragshift.harness.datasets import load_dataset
from ragshift.harness.errors import ConfigError, FingerprintMismatch, PromotionRefused, RagshiftError
from ragshift.harness.protocols import EMBEDDER_TAG, StoredIndex, VectorStore, document_fingerprint
from ragshift.harness.recorded_model import spec_of
from ragshift.harness.retrieval import IndexRetriever
from ragshift.harness.shipping import collections as col
from ragshift.harness.shipping.aliases import BridgeRef, Target, describe_target, same_target
from ragshift.harness.shipping.bridged import bridge_ref, check_source, open_bridge
from ragshift.harness.shipping.aliases import Alias, check_alias_name, promoted, rolled_back, without
from ragshift.harness.systems import build_chunker, cached_embedder, load_embedder, open_store


@dataclass(frozen=True)
class PromotionCheck:
    """One readiness check before ``ragshift promote`` moves an alias: ok, failed, or not applicable."""

    name: str
    ok: bool | None  # None: not applicable (e.g. no current collection to compare with)
    detail: str

    @property
    def mark(self) -> str:
        return {True: "ok", False: "FAIL", None: "skip"}[self.ok]


@dataclass(frozen=True)
class Promotion:
    alias: Alias
    checks: tuple[PromotionCheck, ...]
    forced: bool


def promote(
    config: RunConfig,
    embedder_name: str | None = None,
    *,
    alias: str = "production",
    collection: str | None = None,
    sample: int = 100,
    force: bool = False,
    wait: float = 0.0,
    console: Console | None = None,
) -> Promotion:
    """Point ``alias`` at the serving collection of ``embedder_name`` if every check passes."""
    console = console or Console(quiet=True)
    check_alias_name(alias)
    spec = col.config_spec(config, embedder_name)
    dataset = load_dataset(config.corpus, require_queries=False)  # only the sample evaluation needs them
    chunker = build_chunker(config)
    embedder = load_embedder(config, spec, console=console)
    fingerprint = document_fingerprint(embedder)
    bridge = bridge_ref(embedder)
    target = collection or col.serving_name(dataset.corpus.name, chunker.fingerprint(), fingerprint)
    store = open_store(config.store)
    registry = store.aliases()
    current = registry.get(alias)
    checks = list(_collection_checks(store, target, fingerprint, dataset.corpus, chunker, bridge))
    if all(c.ok is not False for c in checks):
        checks.append(_sample_check(config, store, current, (target, bridge), embedder, dataset, sample, console))
    failed = [c for c in checks if c.ok is False]
    if failed and not force:
        raise PromotionRefused(
            f"not promoting {describe_target((target, bridge))} to {alias!r}:\n"
            + "\n".join(f"  [{c.mark}] {c.name}: {c.detail}" for c in checks)
        )
    note = "forced past: " + "; ".join(f"{c.name} ({c.detail})" for c in failed) if failed else ""
    with store.write_lock(f"alias-{alias}", wait=wait, what=f"promote {alias}"):
        latest = registry.get(alias)
        if latest != current:
            raise ConfigError(f"alias {alias!r} changed while checking ({current} → {latest}); run promote again")
        moved = promoted(current, alias, target, note=note, bridge=bridge)
        registry.put(moved)
    return Promotion(moved, tuple(checks), bool(failed))


def _collection_checks(
    store: VectorStore, name: str, fingerprint: str, corpus: Any, chunker: Any, bridge: BridgeRef | None = None,
) -> list[PromotionCheck]:
    try:
        index = store.open(name)
    except ConfigError as exc:
        return [PromotionCheck("collection", False, f"{exc}; build it with `ragshift reindex`")]
    tags, count = index.tags, index.count()
    found = [PromotionCheck("collection", True, f"{name} ({count} vectors)")]
    recorded = tags.get(EMBEDDER_TAG)
    if bridge is not None:
        problem = check_source(bridge, name, recorded)
        found.append(PromotionCheck("fingerprint", problem is None, problem or
                                    f"holds embedder {recorded}, the bridge's from model ({bridge.source_name})"))
    else:
        found.append(PromotionCheck("fingerprint", recorded == fingerprint,
                           f"holds embedder {recorded}" + ("" if recorded == fingerprint else f", config's is {fingerprint}")))
    expected = len(chunker.chunk(list(corpus.documents.values())))
    complete = bool(tags.get(col.COMPLETE))
    fresh = tags.get(col.CORPUS_FP) == corpus.documents_fingerprint
    ok = complete and fresh and count == expected
    why = (f"{count} vectors, corpus has {expected} chunks" + ("" if complete else "; reindex did not finish")
           + ("" if fresh else "; built from another version of the corpus (run `ragshift reindex`)"))
    found.append(PromotionCheck("complete", ok, why))
    return found


def _sample_check(
    config: RunConfig, store: VectorStore, current: Alias | None, target: Target, embedder: Any,
    dataset: Any, sample: int, console: Console,
) -> PromotionCheck:
    """Evaluate what the alias serves now and ``target`` on the same sample of judged queries."""
    if current is None:
        return PromotionCheck("sample evaluation", None, "the alias is new: no current collection to compare with")
    if same_target(current.target, target):
        return PromotionCheck("sample evaluation", False, f"the alias already points at {describe_target(target)}")
    queries = list(dataset.queries)
    if not queries:
        return PromotionCheck("sample evaluation", False, f"no judged queries in split {dataset.split!r} of {dataset.corpus.source}")
    picked = sorted(random.Random(config.run.seed).sample(queries, min(sample, len(queries))), key=lambda q: q.qid)
    try:
        current_index = store.open(current.collection)
        current_embedder = served_embedder(config, current.target, current_index)
    except RagshiftError as exc:
        return PromotionCheck("sample evaluation", False, f"cannot open the current collection: {exc}")
    rows = _rows(config, "current", current_index, current_embedder, dataset, picked)
    rows += _rows(config, "candidate", store.open(target[0]), embedder, dataset, picked)
    comparison = compare_configured(config, rows, baseline="current")
    verdict = comparison.verdict.value
    primary = config.metrics.specs[0].label
    means = {s: sum(r.metrics[primary] for r in rows if r.system == s) / len(picked) for s in ("current", "candidate")}
    detail = (f"{len(picked)} queries, {primary} {means['current']:.4f} → {means['candidate']:.4f}, "
              f"policy verdict {verdict}")
    problems = comparison.deciding_problems()
    if problems:
        detail += "; " + ", ".join(f"{t.metric} on {t.slice.label} {t.stats.delta:+.4f}" for _, t in problems[:3])
    console.print(f"sample evaluation: {detail}")
    return PromotionCheck("sample evaluation", not comparison.verdict.blocks, detail)


def served_embedder(config: RunConfig, target: Target, index: StoredIndex) -> Any:
    """The (cached) embedder that serves ``index`` for an alias target: its bridge when it has one, else
    the model the collection records."""
    from ragshift.harness.cache import EmbeddingCache

    if target[1] is None:
        return embedder_of(config, index)
    return open_bridge(target[1], index, cache=EmbeddingCache(config.cache.path / "embeddings.sqlite"))


def embedder_of(config: RunConfig, index: StoredIndex) -> Any:
    """The embedder recorded in a serving collection, checked against its fingerprint."""
    from ragshift.harness.errors import FingerprintMismatch

    spec = spec_of(index.tags)
    embedder = cached_embedder(config, spec)
    if document_fingerprint(embedder) != index.embedder_fingerprint:
        raise FingerprintMismatch(
            f"collection {index.name} records embedder {spec.name!r}, but that config now gives fingerprint "
            f"{document_fingerprint(embedder)}, not {index.embedder_fingerprint} (the model changed on disk?)"
        )
    return embedder


def _rows(config: RunConfig, system: str, index: StoredIndex, embedder: Any, dataset: Any, queries: list) -> list:
    from ragshift.harness.evaluate import evaluate

    retriever = IndexRetriever(index, embedder, fanout=config.store.fanout)
    return evaluate(system, retriever, queries, dataset.corpus.qrels, config.metrics.specs, depth=config.metrics.depth).rows


def rollback(config: RunConfig, *, alias: str = "production", wait: float = 0.0) -> Alias:
    """Point ``alias`` back at its previous collection (which must still exist)."""
    from ragshift.harness.shipping.aliases import resolve

    store = open_store(config.store)
    registry = store.aliases()
    with store.write_lock(f"alias-{alias}", wait=wait, what=f"rollback {alias}"):
        current = resolve(registry, alias)
        back = rolled_back(current)
        index = store.open(back.collection)
        if back.bridge is not None:
            _check_bridge_folder(back.bridge, index)
        registry.put(back)
    return back


def _check_bridge_folder(bridge: BridgeRef, index: StoredIndex) -> None:
    """Rollback to a bridged target: the folder must still hold the recorded map, over this collection
    (reads the record only; the models load when the alias is served)."""
    from ragshift.harness.bridge.artefact import read_record

    problem = check_source(bridge, index.name, index.embedder_fingerprint)
    found = read_record(bridge.path).fingerprint
    if problem or found != bridge.fingerprint:
        raise FingerprintMismatch(f"cannot roll back to {describe_target((index.name, bridge))}: "
                                  + (problem or f"the folder now holds a bridge with fingerprint {found} (refitted since)"))


def drop(config: RunConfig, name: str, *, force: bool = False, wait: float = 0.0) -> list[str]:
    """Delete a collection. Refused while an alias points at it; one kept for rollback needs ``force``
    (the alias then forgets it). Returns the aliases that forgot it."""
    store = open_store(config.store)
    registry = store.aliases()
    store.open(name)
    with store.write_lock(name, wait=wait, what=f"drop {name}"):
        live = [a.name for a in registry.all() if a.collection == name]
        if live:
            raise ConfigError(f"collection {name} is what alias {', '.join(live)} points at: promote another one first")
        kept = [a for a in registry.all() if name in a.previous]
        if kept and not force:
            raise ConfigError(
                f"collection {name} is kept for rollback of alias {', '.join(a.name for a in kept)}; "
                "pass --force to drop it anyway (rollback to it becomes impossible)"
            )
        for a in kept:
            registry.put(without(a, name))
        store.drop(name)
    return [a.name for a in kept]
