"""Frozen results of a comparison: one test per metric x slice, flips, one pair per candidate x dataset."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ragshift.harness.compare.policy import RegressionPolicy, Verdict
from ragshift.harness.compare.settings import CompareSettings
from ragshift.harness.compare.stats import PairedResult
from ragshift.harness.numbers import is_finite

ALL = "all"


@dataclass(frozen=True, order=True)
class SliceKey:
    """A group of queries: ``all``, a metadata value (``query_type=howto``) or an automatic tag."""

    field: str
    value: str

    @property
    def label(self) -> str:
        return ALL if self.field == ALL else f"{self.field}={self.value}"


OVERALL = SliceKey(ALL, ALL)


@dataclass(frozen=True)
class MetricTest:
    """Candidate vs baseline on one metric and one slice, with its verdict under the policy."""

    metric: str
    slice: SliceKey
    stats: PairedResult
    p_adjusted: float
    max_drop: float
    alpha: float
    deciding: bool
    verdict: Verdict
    reason: str
    missing: int = 0
    """Queries of the slice left out because a system has no value (failed judge verdict, not answered)."""
    queries_needed: int | None = None
    """Non-inferiority: about how many paired queries would resolve the test (None: resolved, or unknowable)."""

    @property
    def significant(self) -> bool:
        return self.p_adjusted < self.alpha

    def to_json(self) -> dict[str, Any]:
        """Flat: the statistics next to the test's own fields (``slice`` as its label)."""
        return {
            "metric": self.metric,
            "slice": self.slice.label,
            **self.stats.to_json(),
            "p_adjusted": self.p_adjusted if is_finite(self.p_adjusted) else None,
            "max_drop": self.max_drop,
            "alpha": self.alpha,
            "deciding": self.deciding,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "missing": self.missing,
            "queries_needed": self.queries_needed,
        }


@dataclass(frozen=True)
class Flip:
    """A relevant document that left (``lost``) or entered (``gained``) the top K."""

    direction: str
    qid: str
    query: str
    query_type: str | None
    doc_id: str
    grade: int
    baseline_rank: int | None
    candidate_rank: int | None
    baseline_top: tuple[str, ...]
    candidate_top: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["baseline_top"] = list(self.baseline_top)
        data["candidate_top"] = list(self.candidate_top)
        return data


@dataclass(frozen=True)
class PairComparison:
    """One candidate against the baseline on one dataset."""

    dataset: str
    baseline: str
    candidate: str
    n_paired: int
    unpaired: int
    flip_k: int
    tests: tuple[MetricTest, ...]
    flips: tuple[Flip, ...]

    @property
    def verdict(self) -> Verdict:
        return Verdict.worst([t.verdict for t in self.tests if t.deciding])

    @property
    def metrics(self) -> list[str]:
        return list(dict.fromkeys(t.metric for t in self.tests))

    @property
    def slices(self) -> list[SliceKey]:
        return list(dict.fromkeys(t.slice for t in self.tests))

    def test(self, metric: str, slice_label: str = ALL) -> MetricTest | None:
        return next((t for t in self.tests if t.metric == metric and t.slice.label == slice_label), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "baseline": self.baseline,
            "candidate": self.candidate,
            "verdict": self.verdict.value,
            "n_paired": self.n_paired,
            "unpaired": self.unpaired,
            "flip_k": self.flip_k,
            "tests": [t.to_json() for t in self.tests],
            "flips": [f.to_json() for f in self.flips],
        }


@dataclass(frozen=True)
class Comparison:
    """Every candidate against the baseline on every dataset, under one policy and one set of settings."""

    baseline: str
    candidates: tuple[str, ...]
    datasets: tuple[str, ...]
    settings: CompareSettings
    policy: RegressionPolicy
    pairs: tuple[PairComparison, ...]

    @property
    def verdict(self) -> Verdict:
        return Verdict.worst([p.verdict for p in self.pairs])

    def deciding_problems(self) -> list[tuple[PairComparison, MetricTest]]:
        """Deciding tests that warn or fail, worst first."""
        found = [(p, t) for p in self.pairs for t in p.tests if t.deciding and t.verdict is not Verdict.PASS]
        return sorted(found, key=lambda pt: (-pt[1].verdict.severity, pt[1].stats.delta))

    def resolution_warning(self) -> str | None:
        """Says so when permutation p-values are too coarse for any corrected p to reach alpha
        (significance mode only: non-inferiority reads bounds, not p-values)."""
        settings, policy = self.settings, self.policy
        if settings.test != "permutation" or policy.correction == "none" or policy.mode != "significance" or not self.pairs:
            return None
        family = max(sum(t.deciding for t in p.tests) for p in self.pairs)
        floor = 2 * family / (settings.n_resamples + 1)  # two-sided Monte Carlo p >= 2 / (R + 1)
        if floor < self.policy.alpha:
            return None
        return (
            f"with {family} deciding tests per pair and {settings.n_resamples} permutations the smallest corrected "
            f"p-value is about {floor:.3g} >= alpha {self.policy.alpha:g}: no drop can be significant; "
            f"raise n_resamples or use the t-test"
        )

    def large_n_note(self) -> str | None:
        """Says so when some tests had more pairs than ``resample_max_n`` and so are Student-t."""
        most = self.settings.resample_max_n
        if most is None or self.settings.test == "t-test":
            return None
        if not any(t.stats.n > most for p in self.pairs for t in p.tests):
            return None
        return (
            f"tests over more than {most:,} paired queries use the paired t-test and Student-t intervals, not "
            f"{self.settings.n_resamples} resamples (same answer at that n, seconds instead of minutes; "
            f"[compare] resample_max_n)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "resolution_warning": self.resolution_warning(),
            "large_n_note": self.large_n_note(),
            "baseline": self.baseline,
            "candidates": list(self.candidates),
            "datasets": list(self.datasets),
            **self.settings.model_dump(mode="json"),
            "policy": self.policy.model_dump(mode="json"),
            "pairs": [p.to_json() for p in self.pairs],
        }
