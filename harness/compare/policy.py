"""Regression policy: how much each metric may drop, on which slice, before a candidate fails.

Verdict of one test (one metric on one slice), with ``drop = baseline mean - candidate mean``
(metrics are higher-is-better) and ``p`` the corrected p-value:

- ``fail``: ``drop > max_drop`` and ``p < alpha`` (a significant drop beyond tolerance);
- ``warn``: ``drop > max_drop`` but not significant, or ``0 < drop <= max_drop`` and significant;
- ``pass``: everything else (no drop, or an insignificant drop within tolerance).

A test *decides* the overall verdict only if its rule says ``decides = true`` and its slice holds at
least ``min_slice_size`` paired queries (the ``all`` slice always decides). The overall verdict is
the worst verdict among deciding tests; non-deciding tests are still reported.

Rules refine the top-level defaults: every rule whose ``dataset``/``metric``/``slice`` globs
(fnmatch, e.g. ``"recall@*"``, ``"query_type=*"``) match a test applies, and for each field the
last matching rule that sets it wins. A policy file (``ragshift compare --policy policy.toml``)::

    max_drop = 0.01          # default tolerated absolute drop of a mean
    alpha = 0.05             # default significance level (corrected p-values)
    correction = "holm"      # or "bh" (Benjamini-Hochberg) or "none"
    min_slice_size = 20

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

from harness.errors import ConfigError


class Verdict(str, Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"

    @property
    def severity(self) -> int:
        return ("pass", "warn", "fail").index(self.value)

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

    max_drop: float = Field(0.01, ge=0, description="Largest tolerated absolute drop of a mean.")
    alpha: float = Field(0.05, gt=0, lt=1, description="Significance level of corrected p-values.")
    correction: Literal["holm", "bh", "none"] = "holm"
    min_slice_size: int = Field(20, ge=1, description="Smaller slices are shown but never decide.")
    rules: tuple[Rule, ...] = ()

    def limits(self, dataset: str, metric: str, slice_label: str) -> Limits:
        found = {"max_drop": self.max_drop, "alpha": self.alpha, "decides": True}
        for rule in self.rules:
            if rule.matches(dataset, metric, slice_label):
                found.update({k: v for k, v in rule.model_dump(include=set(found)).items() if v is not None})
        return Limits(**found)

    def deciding(self, limits: Limits, slice_label: str, n: int) -> bool:
        return limits.decides and (slice_label == "all" or n >= self.min_slice_size)


def judge(delta: float, p_adjusted: float, limits: Limits) -> tuple[Verdict, str]:
    """Verdict and a one-line reason for one test (``delta`` = candidate - baseline)."""
    drop = -delta
    significant = p_adjusted < limits.alpha
    if drop > limits.max_drop and significant:
        return Verdict.FAIL, f"significant drop {drop:.4f} > max_drop {limits.max_drop:g}"
    if drop > limits.max_drop:
        return Verdict.WARN, f"drop {drop:.4f} > max_drop {limits.max_drop:g}, not significant"
    if drop > 0 and significant:
        return Verdict.WARN, f"significant drop {drop:.4f} within max_drop {limits.max_drop:g}"
    return Verdict.PASS, "no significant drop beyond tolerance"


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
