"""Paired comparison of systems: statistics, slices, flips and the regression policy verdict."""

from harness.compare.compare import DEFAULT_DATASET, CompareSettings, compare_rows, dataset_of
from harness.compare.model import ALL, Comparison, Flip, MetricTest, PairComparison, SliceKey
from harness.compare.policy import Limits, RegressionPolicy, Rule, Verdict, judge, load_policy
from harness.compare.tagger import QueryTags, tag_query

__all__ = [
    "ALL", "DEFAULT_DATASET", "CompareSettings", "Comparison", "Flip", "Limits", "MetricTest",
    "PairComparison", "QueryTags", "RegressionPolicy", "Rule", "SliceKey", "Verdict",
    "compare_rows", "dataset_of", "judge", "load_policy", "tag_query",
]
