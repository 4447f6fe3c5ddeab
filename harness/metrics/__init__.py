"""Retrieval metrics: specs parsed from strings, and per-query scores computed by pytrec_eval."""

from ragshift.harness.metrics.retrieval import mean_scores, score_queries
from ragshift.harness.metrics.spec import MetricSpec, parse_metric, parse_metrics, retrieval_depth

__all__ = ["MetricSpec", "mean_scores", "parse_metric", "parse_metrics", "retrieval_depth", "score_queries"]
