"""Regression policy: how much each metric may drop, on which slice, before a candidate fails.

Two modes judge one test (one metric on one slice), with ``Δ = candidate mean - baseline mean``
(metrics are higher-is-better), ``drop = -Δ`` and ``m = max_drop``.

``mode = "significance"`` (``ragshift eval`` / ``compare``'s default) fails only a *proven* regression;
``p`` is the two-sided p-value corrected across the metrics x slices of a pair (``correction``):

- ``fail``: ``drop > m`` and ``p < alpha`` (a significant drop beyond tolerance);
- ``warn``: ``drop > m`` but not significant, or ``0 < drop <= m`` and significant;
- ``pass``: everything else (no drop, or an insignificant drop within tolerance).

``mode = "non-inferiority"`` (the gates' default) passes only a *proven* non-regression; ``L`` and
``U`` are the one-sided ``1 - alpha`` lower and upper bounds of ``Δ`` (bootstrap quantiles, or
Student's t with ``test = "t-test"``):

- ``pass``: ``L >= -m`` (the drop is shown to stay within ``m``);
- ``warn``: ``L >= -m`` and ``U < 0`` (within ``m``, but a drop is measured);
- ``fail``: ``U < -m`` (a drop beyond ``m`` is measured);
- ``inconclusive``: neither (``L < -m <= U``): the data cannot tell; the reason says whether some
  drop is measured (``U < 0``) and about how many paired queries would resolve it (``power``).

No correction applies to non-inferiority: a candidate passes only if *every* deciding test shows it
(an intersection-union test), so the chance of passing a real regression stays at most ``alpha``;
the price is that each extra slice is one more chance to be inconclusive.

A test *decides* the overall verdict only if its rule says ``decides = true`` and its slice holds at
least ``min_slice_size`` paired queries (the ``all`` slice always decides). The overall verdict is
the worst verdict among deciding tests (pass < warn < inconclusive < fail); non-deciding tests are
still reported.

Rules refine the top-level defaults: every rule whose ``dataset``/``metric``/``slice`` globs
(fnmatch, e.g. ``"recall@*"``, ``"query_type=*"``) match a test applies, and for each field the
last matching rule that sets it wins. A policy file (``ragshift compare --policy policy.toml``)::

    mode = "significance"    # or "non-inferiority"
    max_drop = 0.01          # default tolerated absolute drop of a mean
    alpha = 0.05             # default significance level (corrected p-values; 1 - alpha one-sided bounds)
    correction = "holm"      # or "bh" (Benjamini-Hochberg) or "none"; significance mode only
    min_slice_size = 20
    power = 0.8              # for "queries needed" of an inconclusive non-inferiority test

    [[rules]]                # recall may move a little more
    metric = "recall@*"
    max_drop = 0.02

    [[rules]]                # error-code lookups must not get worse at all
    metric = "ndcg@10"
    slice = "query_type=errorcode"
    max_drop = 0.0

    [[rules]]                # the general-domain set is watched, not gated
    dataset = "general"
    decides = false
"""

from __future__ import annotations

import tomllib
from enum import Enum
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ragshift.harness.compare.stats import PairedResult, queries_needed
from ragshift.harness.errors import ConfigError
from ragshift.harness.numbers import is_finite

Mode = Literal["significance", "non-inferiority"]
"""``significance``: fail a proven drop beyond max_drop; ``non-inferiority``: pass a proven non-drop."""


class Verdict(str, Enum):
    """A test's, a pair's or a comparison's verdict, mildest first."""

    PASS = "pass"
    WARN = "warn"
    INCONCLUSIVE = "inconclusive"
    FAIL = "fail"

    @property
    def severity(self) -> int:
        return list(Verdict).index(self)

    @property
    def blocks(self) -> bool:
        """Whether a candidate with this verdict must not ship (``inconclusive`` or ``fail``)."""
        return self.severity >= Verdict.INCONCLUSIVE.severity

    @classmethod
    def worst(cls, verdicts: "list[Verdict] | tuple[Verdict, ...]") -> "Verdict":
        return max(verdicts, key=lambda v: v.severity, default=cls.PASS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    """Overrides for the tests whose dataset, metric and slice label match these globs."""

    dataset: str = "*"
    metric: str = "*"
    slice: str = "*"
    max_drop: float | None = Field(None, ge=0)
    alpha: float | None = Field(None, gt=0, lt=1)
    decides: bool | None = None

    def matches(self, dataset: str, metric: str, slice_label: str) -> bool:
        return (
            fnmatchcase(dataset, self.dataset)
            and fnmatchcase(metric, self.metric)
            and fnmatchcase(slice_label, self.slice)
        )


class Limits(_Strict):
    """The resolved limits of one test."""

    max_drop: float
    alpha: float
    decides: bool


class RegressionPolicy(_Strict):
    """Defaults plus per-metric / per-slice rules; see the module docstring for the verdict."""

    mode: Mode = Field("significance", description="significance: fail proven drops; non-inferiority: pass proven non-drops.")
    max_drop: float = Field(0.01, ge=0, description="Largest tolerated absolute drop of a mean.")
    alpha: float = Field(0.05, gt=0, lt=1, description="Significance level of corrected p-values.")
    correction: Literal["holm", "bh", "none"] = "holm"
    min_slice_size: int = Field(20, ge=1, description="Smaller slices are shown but never decide.")
    power: float = Field(0.8, gt=0, lt=1, description="Power assumed for the queries an inconclusive test needs.")
    rules: tuple[Rule, ...] = ()

    def limits(self, dataset: str, metric: str, slice_label: str) -> Limits:
        found = {"max_drop": self.max_drop, "alpha": self.alpha, "decides": True}
        for rule in self.rules:
            if rule.matches(dataset, metric, slice_label):
                found.update({k: v for k, v in rule.model_dump(include=set(found)).items() if v is not None})
        return Limits(**found)

    def deciding(self, limits: Limits, slice_label: str, n: int) -> bool:
        return limits.decides and (slice_label == "all" or n >= self.min_slice_size)


def judge(
    result: PairedResult, p_adjusted: float, limits: Limits, *, mode: Mode = "significance", power: float = 0.8
) -> tuple[Verdict, str]:
    """Verdict and a one-line reason for one test under ``mode`` (see the module docstring)."""
    if mode == "non-inferiority":
        return _non_inferiority(result, limits, power)
    drop = -result.delta
    significant = p_adjusted < limits.alpha
    if drop > limits.max_drop and significant:
        return Verdict.FAIL, f"significant drop {drop:.4f} > max_drop {limits.max_drop:g}"
    if drop > limits.max_drop:
        return Verdict.WARN, f"drop {drop:.4f} > max_drop {limits.max_drop:g}, not significant"
    if drop > 0 and significant:
        return Verdict.WARN, f"significant drop {drop:.4f} within max_drop {limits.max_drop:g}"
    return Verdict.PASS, "no significant drop beyond tolerance"


def _non_inferiority(result: PairedResult, limits: Limits, power: float) -> tuple[Verdict, str]:
    m, low, high = limits.max_drop, result.lower_bound, result.upper_bound
    level = f"{1 - limits.alpha:.0%}"
    if not (is_finite(low) and is_finite(high)):
        return Verdict.INCONCLUSIVE, f"{result.n} paired quer{'y gives' if result.n == 1 else 'ies give'} no bound of Δ"
    if low >= -m and high < 0:
        return Verdict.WARN, (f"within max_drop {m:g} ({level} lower bound of Δ {low:+.4f}), but a drop of "
                              f"{-result.delta:.4f} is measured (upper bound {high:+.4f} < 0)")
    if low >= -m:
        return Verdict.PASS, f"within max_drop {m:g}: {level} lower bound of Δ {low:+.4f} >= -{m:g}"
    if high < -m:
        return Verdict.FAIL, f"drop beyond max_drop {m:g} measured: {level} upper bound of Δ {high:+.4f} < -{m:g}"
    measured = "; a drop is measured, not whether it exceeds max_drop" if high < 0 else ""
    return Verdict.INCONCLUSIVE, (f"not shown within max_drop {m:g}: {level} bounds of Δ [{low:+.4f}, {high:+.4f}]"
                                  f"{measured}; {resolve_hint(result, limits, power)}")


def resolve_hint(result: PairedResult, limits: Limits, power: float) -> str:
    """How many paired queries would settle an inconclusive non-inferiority test, and the assumption."""
    needed = queries_needed(result, limits.max_drop, alpha=limits.alpha, power=power)
    if needed is None:
        return "no number of queries resolves it while Δ sits on -max_drop" if is_finite(result.sd) else "too few queries"
    return (f"about {needed:,} paired queries (now {result.n}) would resolve it at {power:.0%} power "
            f"if Δ and the per-query SD ({result.sd:.3f}) hold")


def load_policy(path: Path | str) -> RegressionPolicy:
    """Read a policy TOML file; unknown keys and bad values raise ``ConfigError``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read policy: {exc}") from None
    try:
        return RegressionPolicy.model_validate(data)
    except ValidationError as exc:
        valid = ", ".join(RegressionPolicy.model_fields)
        raise ConfigError(f"{path}: invalid policy (valid keys: {valid}; rules take "
                          f"{', '.join(Rule.model_fields)}):\n{exc}") from None
