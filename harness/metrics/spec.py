"""Retrieval metric specs: parsed once from strings like ``"ndcg@10"`` into hashable values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ragshift.harness.errors import ConfigError

NEEDS_K = frozenset({"ndcg", "recall", "precision", "hit_rate"})
"""Metric names that are meaningless without a cutoff ``@K``."""

OPTIONAL_K = frozenset({"mrr", "map"})
"""Metric names that take an optional cutoff; without one they use the whole retrieved list."""

NAMES = NEEDS_K | OPTIONAL_K

VALID_FORMS = ("ndcg@K", "recall@K", "precision@K", "hit_rate@K", "mrr", "mrr@K", "map", "map@K")

DEFAULT_DEPTH = 100
"""How many documents to retrieve when no metric names a cutoff (only ``mrr`` / ``map``)."""


def _invalid(text: object, problem: str) -> ConfigError:
    return ConfigError(f"invalid metric {text!r}: {problem}; valid forms: {', '.join(VALID_FORMS)}")


@dataclass(frozen=True)
class MetricSpec:
    """One metric: a family ``name`` (lower-case, see ``NAMES``) and an optional cutoff ``k``."""

    name: str
    k: int | None = None

    def __post_init__(self) -> None:
        if self.name not in NAMES:
            raise _invalid(self.label, "unknown name")
        if self.k is None and self.name in NEEDS_K:
            raise _invalid(self.label, f"{self.name} needs a cutoff @K")
        if self.k is not None and (isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 1):
            raise _invalid(self.label, "K must be a whole number >= 1")

    @property
    def label(self) -> str:
        """Canonical lower-case form, e.g. ``"ndcg@10"`` or ``"mrr"``: the key of per-query metric rows."""
        return self.name if self.k is None else f"{self.name}@{self.k}"

    def __str__(self) -> str:
        return self.label


def parse_metric(text: str) -> MetricSpec:
    """``"nDCG@10"`` -> ``MetricSpec("ndcg", 10)``; raises ``ConfigError`` listing the valid forms."""
    if not isinstance(text, str):
        raise _invalid(text, "expected a string")
    name, sep, cutoff = text.strip().lower().partition("@")
    if not sep:
        return MetricSpec(name)
    if not (cutoff.isascii() and cutoff.isdigit()):
        raise _invalid(text, "K must be a whole number >= 1")
    return MetricSpec(name, int(cutoff))


def parse_metrics(texts: Iterable[str | MetricSpec]) -> tuple[MetricSpec, ...]:
    """Parse several specs, keeping their order; an empty list or a repeated metric is an error."""
    if isinstance(texts, str):
        texts = [texts]
    specs = tuple(t if isinstance(t, MetricSpec) else parse_metric(t) for t in texts)
    if not specs:
        raise ConfigError(f"no metrics given; valid forms: {', '.join(VALID_FORMS)}")
    seen: set[MetricSpec] = set()
    for spec in specs:
        if spec in seen:
            raise ConfigError(f"metric {spec.label!r} is listed twice")
        seen.add(spec)
    return specs


def retrieval_depth(specs: Iterable[MetricSpec]) -> int:
    """How many documents each query must retrieve: the largest cutoff, or ``DEFAULT_DEPTH`` if none."""
    return max((s.k for s in specs if s.k is not None), default=DEFAULT_DEPTH)
