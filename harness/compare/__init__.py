"""Paired comparison of systems: statistics, slices, flips and the regression policy verdict."""

from ragshift.harness.compare.compare import compare_rows
from ragshift.harness.compare.model import ALL, Comparison, Flip, MetricTest, PairComparison, SliceKey
from ragshift.harness.compare.policy import Limits, Mode, RegressionPolicy, Rule, Verdict, judge, load_policy
from ragshift.harness.compare.settings import CompareSettings
from ragshift.harness.compare.stats import PairedResult
from ragshift.harness.compare.tagger import QueryTags, tag_query
from ragshift.harness.types import DEFAULT_DATASET

__all__ = [
    "ALL", "DEFAULT_DATASET", "CompareSettings", "Comparison", "Flip", "Limits", "MetricTest", "Mode",
    "PairComparison", "PairedResult", "QueryTags", "RegressionPolicy", "Rule", "SliceKey", "Verdict",
    "compare_rows", "judge", "load_policy", "tag_query",
]
