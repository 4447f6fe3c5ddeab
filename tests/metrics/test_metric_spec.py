"""Metric spec parsing: canonical labels, hashability, and errors that list the valid forms."""

from __future__ import annotations

import pytest

from ragshift.harness.errors import ConfigError
from ragshift.harness.metrics.spec import (
    DEFAULT_DEPTH,
    NEEDS_K,
    OPTIONAL_K,
    VALID_FORMS,
    MetricSpec,
    parse_metric,
    parse_metrics,
    retrieval_depth,
)


@pytest.mark.parametrize(
    ("text", "name", "k", "label"),
    [
        ("ndcg@10", "ndcg", 10, "ndcg@10"),
        ("nDCG@10", "ndcg", 10, "ndcg@10"),
        (" Recall@5 ", "recall", 5, "recall@5"),
        ("PRECISION@1", "precision", 1, "precision@1"),
        ("hit_rate@3", "hit_rate", 3, "hit_rate@3"),
        ("MRR", "mrr", None, "mrr"),
        ("mrr@20", "mrr", 20, "mrr@20"),
        ("map", "map", None, "map"),
        ("map@007", "map", 7, "map@7"),
    ],
)
def test_parse_gives_canonical_label(text: str, name: str, k: int | None, label: str) -> None:
    spec = parse_metric(text)
    assert (spec.name, spec.k, spec.label, str(spec)) == (name, k, label, label)


def test_specs_are_hashable_values() -> None:
    assert parse_metric("NDCG@10") == MetricSpec("ndcg", 10)
    assert len({parse_metric("ndcg@10"), parse_metric("nDCG@10"), parse_metric("ndcg@5")}) == 2
    with pytest.raises(AttributeError):
        parse_metric("map").k = 3  # type: ignore[misc]


def test_which_metrics_need_k() -> None:
    assert NEEDS_K == {"ndcg", "recall", "precision", "hit_rate"}
    assert OPTIONAL_K == {"mrr", "map"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("foo@10", "unknown name"),
        ("ndcg", "ndcg needs a cutoff"),
        ("hit_rate", "hit_rate needs a cutoff"),
        ("ndcg@0", "K must be"),
        ("ndcg@x", "K must be"),
        ("recall@-1", "K must be"),
        ("recall@1.5", "K must be"),
        ("recall@", "K must be"),
        ("ndcg@²", "K must be"),
        ("", "unknown name"),
    ],
)
def test_bad_specs_list_valid_forms(text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_metric(text)
    message = str(info.value)
    assert problem in message and repr(text) in message
    assert all(form in message for form in VALID_FORMS)


@pytest.mark.parametrize(("name", "k"), [("ndcg", None), ("bogus", 3), ("map", 0), ("mrr", True)])
def test_direct_construction_is_validated(name: str, k: object) -> None:
    with pytest.raises(ConfigError):
        MetricSpec(name, k)  # type: ignore[arg-type]


def test_parse_metrics_keeps_order_and_accepts_specs() -> None:
    specs = parse_metrics(["MAP", MetricSpec("ndcg", 10), "recall@5"])
    assert [s.label for s in specs] == ["map", "ndcg@10", "recall@5"]
    assert parse_metrics("mrr") == (MetricSpec("mrr"),)


def test_parse_metrics_rejects_duplicates_and_empty() -> None:
    with pytest.raises(ConfigError, match="'ndcg@10' is listed twice"):
        parse_metrics(["ndcg@10", "NDCG@10"])
    with pytest.raises(ConfigError, match="no metrics"):
        parse_metrics([])


def test_parse_metric_rejects_non_strings() -> None:
    with pytest.raises(ConfigError, match="expected a string"):
        parse_metric(10)  # type: ignore[arg-type]


def test_retrieval_depth_is_largest_cutoff() -> None:
    assert retrieval_depth(parse_metrics(["ndcg@10", "recall@20", "mrr", "map@5"])) == 20
    assert retrieval_depth(parse_metrics(["mrr", "map"])) == DEFAULT_DEPTH
