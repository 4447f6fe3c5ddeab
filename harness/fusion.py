"""Fuse the ranked document lists several retrievers give one query: reciprocal rank fusion or a
weighted sum of normalised scores (what a hybrid dense + BM25 system does).

Input lists are best first and document-level (one hit per document). Output is one list, best
first, ties broken by the smaller document id; a document keeps the chunk and text of the first
list that has it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, Sequence

from ragshift.harness.errors import ConfigError
from ragshift.harness.types import Hit

Method = Literal["rrf", "weighted"]
Normalization = Literal["minmax", "zscore"]


def rrf(runs: Sequence[Sequence[Hit]], *, k: int = 60, weights: Sequence[float] | None = None) -> list[Hit]:
    """Reciprocal rank fusion (Cormack et al. 2009): ``score(d) = Σ_i w_i / (k + rank_i(d))``, ranks from 1."""
    weights = _weights(weights, len(runs))
    scores: dict[str, float] = {}
    for run, weight in zip(runs, weights):
        for rank, hit in enumerate(run, start=1):
            scores[hit.doc_id] = scores.get(hit.doc_id, 0.0) + weight / (k + rank)
    return _ranked(scores, runs)


def weighted_sum(
    runs: Sequence[Sequence[Hit]], *, weights: Sequence[float] | None = None, normalization: Normalization = "minmax"
) -> list[Hit]:
    """``score(d) = Σ_i w_i · norm_i(d)``; each list's scores normalised on their own (min-max to [0, 1],
    or z-score). A document missing from a list gets that list's lowest normalised score (0 for min-max):
    it ranked no higher than anything the list returned. A list whose scores all tie (one hit, say)
    carries only membership: its hits get 1, missing documents 0."""
    weights = _weights(weights, len(runs))
    ids = {hit.doc_id for run in runs for hit in run}
    scores = dict.fromkeys(ids, 0.0)
    for run, weight in zip(runs, weights):
        values, floor = _normalise([h.score for h in run], normalization)
        present = {hit.doc_id: value for hit, value in zip(run, values)}
        for doc_id in ids:
            scores[doc_id] += weight * present.get(doc_id, floor)
    return _ranked(scores, runs)


@dataclass(frozen=True)
class Fusion:
    """How a hybrid system fuses its parts' lists; ``weights`` (one per part, default all 1) apply to both methods."""

    method: Method = "rrf"
    weights: tuple[float, ...] = ()
    rrf_k: int = 60
    normalization: Normalization = "minmax"

    def __post_init__(self) -> None:
        if self.method not in ("rrf", "weighted"):
            raise ConfigError(f"fusion method must be 'rrf' or 'weighted', got {self.method!r}")
        if self.normalization not in ("minmax", "zscore"):
            raise ConfigError(f"fusion normalization must be 'minmax' or 'zscore', got {self.normalization!r}")
        if self.rrf_k < 0:
            raise ConfigError(f"rrf_k must be >= 0, got {self.rrf_k}")
        if self.weights:
            _weights(self.weights, len(self.weights))

    def fuse(self, runs: Sequence[Sequence[Hit]]) -> list[Hit]:
        weights = self.weights or None
        if self.method == "rrf":
            return rrf(runs, k=self.rrf_k, weights=weights)
        return weighted_sum(runs, weights=weights, normalization=self.normalization)

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {"method": self.method, "weights": list(self.weights)}
        if self.method == "rrf":
            described["rrf_k"] = self.rrf_k
        else:
            described["normalization"] = self.normalization
        return described


def _weights(weights: Sequence[float] | None, count: int) -> tuple[float, ...]:
    if weights is None:
        return (1.0,) * count
    if len(weights) != count:
        raise ConfigError(f"fusion has {len(weights)} weights for {count} ranked lists")
    if any(not math.isfinite(w) or w < 0 for w in weights) or not any(w > 0 for w in weights):
        raise ConfigError(f"fusion weights must be finite, >= 0 and not all 0, got {list(weights)}")
    return tuple(float(w) for w in weights)


def _normalise(values: list[float], normalization: Normalization) -> tuple[list[float], float]:
    """The normalised values and what a document missing from the list gets."""
    if not values or min(values) == max(values):
        return [1.0] * len(values), 0.0
    if normalization == "minmax":
        low, high = min(values), max(values)
        return [(v - low) / (high - low) for v in values], 0.0
    mean = math.fsum(values) / len(values)
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))
    normalised = [(v - mean) / std for v in values]
    return normalised, min(normalised)


def _ranked(scores: dict[str, float], runs: Sequence[Sequence[Hit]]) -> list[Hit]:
    first: dict[str, Hit] = {}
    for run in runs:
        for hit in run:
            first.setdefault(hit.doc_id, hit)
    order = sorted(scores, key=lambda d: (-scores[d], d))
    return [Hit(d, scores[d], chunk_id=first[d].chunk_id, text=first[d].text) for d in order]
