"""How much of a full re-embed's gain a bridge keeps, and what the bridge costs instead of re-embedding.

In a run with the old model, the new model (its own full index) and the bridge (the new model's queries
over the old index), the share is ``(bridge − old) / (new − old)`` of the primary metric's means over the
same queries, with a paired bootstrap CI over queries (scipy). It is left undefined where the full
re-embed's own gain is not clearly above zero: then there is nothing to keep a share of.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
from scipy import stats

from ragshift.harness.types import Row
from ragshift.harness.numbers import fmt_duration

ALL = "all"


@dataclass(frozen=True)
class BridgeTriple:
    """Three systems of one run: the bridge, the old model it queries the index of, the new model it maps from."""

    bridge: str
    old: str
    new: str


@dataclass(frozen=True)
class GainShare:
    bridge: str
    old: str
    new: str
    dataset: str
    metric: str
    slice: str
    n: int
    old_mean: float
    new_mean: float
    bridge_mean: float
    full_gain_ci: tuple[float, float]
    share: float | None
    ci_low: float | None
    ci_high: float | None
    confidence_level: float
    note: str = ""

    @property
    def full_gain(self) -> float:
        return self.new_mean - self.old_mean

    @property
    def bridge_gain(self) -> float:
        return self.bridge_mean - self.old_mean

    @property
    def cells(self) -> tuple[str, ...]:
        """This share as one row of ``SHARE_COLUMNS`` (plain text)."""
        return share_cells(self)

    @property
    def explanation(self) -> str:
        return share_note([self])

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "full_gain": self.full_gain, "bridge_gain": self.bridge_gain}


def bridge_triples(run_card: Mapping[str, Any]) -> list[BridgeTriple]:
    """Every bridged system of the run whose old and new model were evaluated in the same run (by fingerprint)."""
    systems = run_card.get("systems") or {}
    plain = {n: s.get("fingerprint") for n, s in systems.items() if _kind(s) != "bridged"}
    found = []
    for name, system in systems.items():
        facts = (system.get("embedder") or {}).get("bridge") if _kind(system) == "bridged" else None
        if not facts:
            continue
        wanted = (facts.get("from") or {}).get("fingerprint"), (facts.get("to") or {}).get("fingerprint")
        old, new = (next((n for n, fp in plain.items() if fp and fp == want), None) for want in wanted)
        if old and new:
            found.append(BridgeTriple(name, old, new))
    return found


def gain_shares(
    rows: Iterable[Row],
    run_card: Mapping[str, Any],
    *,
    metric: str,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
    min_slice_size: int = 20,
) -> tuple[GainShare, ...]:
    """The share for every bridge of the run, overall and per query type (types of at least ``min_slice_size``)."""
    triples = bridge_triples(run_card)
    if not triples:
        return ()
    values: dict[tuple[str, str], dict[str, tuple[float, str | None]]] = {}
    for row in rows:
        value = row.metrics.get(metric)
        if value is not None and math.isfinite(value):
            values.setdefault((row.system, str(row.meta.get("dataset", ""))), {})[row.qid] = (float(value), row.query_type)
    found = []
    datasets = sorted({d for _, d in values})
    many = len(datasets) > 1
    for t in triples:
        for dataset in datasets:
            old, new, bridge = (values.get((s, dataset), {}) for s in (t.old, t.new, t.bridge))
            qids = sorted(set(old) & set(new) & set(bridge))
            slices: dict[str, list[str]] = {ALL: qids}
            for q in qids:
                if old[q][1]:
                    slices.setdefault(f"query_type={old[q][1]}", []).append(q)
            for label, chosen in slices.items():
                if not chosen or (label != ALL and len(chosen) < min_slice_size):
                    continue
                arrays = [np.array([side[q][0] for q in chosen]) for side in (old, new, bridge)]
                found.append(share_of_gain(
                    *arrays, names=t, dataset=dataset, metric=metric, slice=f"{dataset}: {label}" if many else label,
                    confidence_level=confidence_level, n_resamples=n_resamples, seed=seed,
                ))
    return tuple(found)


def run_gain_shares(rows: Iterable[Row], run_card: Mapping[str, Any], metric: str | None) -> tuple[GainShare, ...]:
    """``gain_shares`` with the run's ``[compare]`` / ``[policy]`` settings (resamples, confidence, seed, slice size)."""
    if not metric or not bridge_triples(run_card):
        return ()
    config = run_card.get("config") or {}
    compare, policy = config.get("compare") or {}, config.get("policy") or {}
    return gain_shares(
        rows, run_card, metric=metric, confidence_level=float(compare.get("confidence_level", 0.95)),
        n_resamples=int(compare.get("n_resamples", 9999)), seed=int(compare.get("seed", 0)),
        min_slice_size=int(policy.get("min_slice_size", 20)),
    )


def share_of_gain(
    old: np.ndarray, new: np.ndarray, bridge: np.ndarray, *, names: BridgeTriple, dataset: str = "", metric: str = "",
    slice: str = ALL, confidence_level: float = 0.95, n_resamples: int = 9999, seed: int = 0,
) -> GainShare:
    """``(mean(bridge) − mean(old)) / (mean(new) − mean(old))`` over paired queries, with a paired bootstrap CI."""
    old, new, bridge = (np.asarray(a, dtype=np.float64) for a in (old, new, bridge))
    full = new - old
    full_ci = _ci((full,), lambda d, axis=-1: np.mean(d, axis=axis), confidence_level, n_resamples, seed)
    share = ci = None
    if len(full) < 2:
        note = "fewer than 2 queries"
    elif not full_ci[0] > 0:
        note = (f"the full re-embed's own gain is not clearly above 0 ({confidence_level:.0%} CI "
                f"[{full_ci[0]:+.4f}, {full_ci[1]:+.4f}]): no share is defined")
    else:
        share = float(np.mean(bridge - old) / np.mean(full))
        ci = _ci((old, new, bridge), _ratio, confidence_level, n_resamples, seed)
        note = ""
    return GainShare(
        names.bridge, names.old, names.new, dataset, metric, slice, len(full), float(old.mean()), float(new.mean()),
        float(bridge.mean()), full_ci, share, None if ci is None else ci[0], None if ci is None else ci[1],
        confidence_level, note,
    )


def _ratio(old: np.ndarray, new: np.ndarray, bridge: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(bridge - old, axis=axis) / np.mean(new - old, axis=axis)


def _ci(data: Sequence[np.ndarray], statistic: Any, level: float, n_resamples: int, seed: int) -> tuple[float, float]:
    """Paired BCa bootstrap CI (percentile where BCa is degenerate); a point where every value is equal."""
    if len(data[0]) < 2:
        return float("nan"), float("nan")
    point = float(statistic(*data))
    if all(np.ptp(d) == 0 for d in data):
        return point, point
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = stats.bootstrap(
                tuple(data), statistic, paired=True, vectorized=True, method=method, confidence_level=level,
                n_resamples=n_resamples, rng=np.random.default_rng(seed),
            )
        low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if math.isfinite(low) and math.isfinite(high):
            return low, high
    return float("nan"), float("nan")


def _kind(system: Mapping[str, Any]) -> str | None:
    return (system.get("embedder") or {}).get("kind")


# --- what a bridge costs instead of a re-embed -----------------------------------------------------


@dataclass(frozen=True)
class BridgeCost:
    """A bridge's one-time cost: embedding its sample with the new model and fitting the map."""

    bridge: str
    old: str
    new: str
    map: str
    sample_chunks: int
    new_chunks_per_second: float | None
    """The new model's measured corpus throughput in this run (None: not measured; the recorded time is used)."""
    embed_seconds: float | None
    fit_seconds: float | None
    documents: int
    full_reembed_seconds: float | None
    """Re-embedding ``documents`` with the new model instead, at the same throughput."""

    @property
    def seconds(self) -> float | None:
        parts = [self.embed_seconds, self.fit_seconds]
        return None if any(p is None for p in parts) else float(sum(parts))  # type: ignore[arg-type]

    def sentence(self) -> str:
        rate = (f"at its measured {self.new_chunks_per_second:,.1f} chunks/s" if self.new_chunks_per_second
                else "as timed by `ragshift bridge`")
        full = (f"; a full re-embed of the {self.documents:,} documents with {self.new} instead: ≈ {fmt_duration(self.full_reembed_seconds)}"
                if self.full_reembed_seconds is not None else "")
        return (
            f"Bridge over {self.old}'s index ({self.map} map): no document is re-embedded; one-time cost ≈ {fmt_duration(self.seconds)} "
            f"= embedding the {self.sample_chunks:,}-chunk sample with {self.new} ({fmt_duration(self.embed_seconds)} {rate}) "
            f"+ fitting the map ({fmt_duration(self.fit_seconds)}){full}."
        )

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "seconds": self.seconds}


def bridge_cost(candidate: str, run_card: Mapping[str, Any], cost: Mapping[str, Mapping[str, Any]], *, documents: int) -> BridgeCost | None:
    """The cost of ``candidate`` when it is a bridge of this run (None otherwise)."""
    system = (run_card.get("systems") or {}).get(candidate) or {}
    facts = (system.get("embedder") or {}).get("bridge") if _kind(system) == "bridged" else None
    if not facts:
        return None
    triple = next((t for t in bridge_triples(run_card) if t.bridge == candidate), None)
    new = triple.new if triple else (facts.get("to") or {}).get("name", "the new model")
    old = triple.old if triple else (facts.get("from") or {}).get("name", "the old model")
    sample = facts.get("sample") or {}
    chunks = int(sample.get("chunks") or 0)
    timings = facts.get("timings") or {}
    figures = cost.get(new) or {}
    per_s = _number((figures.get("corpus_encode") or {}).get("chunks_per_s"))
    docs, doc_chunks = _number((figures.get("corpus") or {}).get("documents")), _number((figures.get("corpus") or {}).get("chunks"))
    if per_s and per_s > 0:
        embed = chunks / per_s
        full = documents * (doc_chunks / docs) / per_s if docs and doc_chunks else None
    else:
        embed, full, per_s = _number(timings.get("embed_s_to")), None, None
    return BridgeCost(candidate, old, new, str((facts.get("map") or {}).get("kind", "?")), chunks, per_s, embed,
                      _number(timings.get("fit_s")), documents, full)


def with_bridge_cost(spend: Any, run_card: Mapping[str, Any], cost: Mapping[str, Mapping[str, Any]]) -> Any:
    """A ``ragshift.harness.report.worth.Spend`` with the bridge's cost instead of a re-embed, when its candidate is a bridge."""
    found = bridge_cost(spend.candidate, run_card, cost, documents=spend.documents)
    if found is None:
        return spend
    return replace(spend, bridge=found, reembed_seconds=None, evaluated_reembed_seconds=None)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) else None


# --- presentation (plain text; the renderers escape it) --------------------------------------------

SHARE_COLUMNS = ("bridge", "slice", "n", "old", "re-embedded", "bridged", "gain kept", "CI")


def share_cells(s: GainShare) -> tuple[str, ...]:
    """One table row: means of the three systems and the share kept with its CI (or why there is none)."""
    kept = f"{s.share:.0%}" if s.share is not None else "—"
    ci = f"[{s.ci_low:.0%}, {s.ci_high:.0%}]" if s.ci_low is not None and s.ci_high is not None else (s.note or "—")
    return (f"{s.bridge} ({s.new} over {s.old}'s index)", s.slice, str(s.n), f"{s.old_mean:.4f}",
            f"{s.new_mean:.4f}", f"{s.bridge_mean:.4f}", kept, ci)


def share_note(shares: Sequence[GainShare]) -> str:
    if not shares:
        return ""
    s = shares[0]
    return (f"Gain kept = (bridge − old) / (full re-embed − old) on {s.metric} over the same queries; "
            f"{s.confidence_level:.0%} paired bootstrap CI over queries. The full re-embed is {s.new} with its own index; "
            f"the bridge queries {s.old}'s index with {s.new}'s query vectors mapped into its space.")
