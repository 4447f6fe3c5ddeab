"""Hand-computed values for every metric, tie-breaking, and which queries get a row."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ragshift.harness.metrics import mean_scores, parse_metrics, score_queries

# Ranking of q1: d5 (not judged), d1 (rel 2), d3 (rel 0), d2 (rel 1), d6; d4 (rel 1) never retrieved.
QRELS = {"q1": {"d1": 2, "d2": 1, "d3": 0, "d4": 1}}
RUN = {"q1": {"d5": 0.9, "d1": 0.8, "d3": 0.7, "d2": 0.6, "d6": 0.5}}

DCG5 = 2 / math.log2(3) + 1 / math.log2(5)
IDCG5 = 2 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
EXPECTED = {
    "ndcg@5": DCG5 / IDCG5,
    "ndcg@1": 0.0,
    "recall@1": 0.0,
    "recall@5": 2 / 3,
    "precision@2": 1 / 2,
    "precision@5": 2 / 5,
    "precision@10": 2 / 10,
    "mrr": 1 / 2,
    "mrr@1": 0.0,
    "mrr@2": 1 / 2,
    "map": (1 / 2 + 2 / 4) / 3,
    "map@2": (1 / 2) / 3,
    "hit_rate@1": 0.0,
    "hit_rate@2": 1.0,
}


@pytest.mark.parametrize(("label", "value"), EXPECTED.items())
def test_known_value(label: str, value: float) -> None:
    rows = score_queries(QRELS, RUN, parse_metrics([label]))
    assert rows == {"q1": {label: pytest.approx(value, abs=1e-12)}}


def test_all_metrics_in_one_call_keep_spec_order() -> None:
    rows = score_queries(QRELS, RUN, parse_metrics(list(EXPECTED)))
    assert list(rows["q1"]) == list(EXPECTED)
    assert rows["q1"] == pytest.approx(EXPECTED, abs=1e-12)


def test_ndcg_uses_grades_others_use_threshold() -> None:
    metrics = parse_metrics(["ndcg@1", "precision@1", "mrr"])
    high = score_queries({"q": {"a": 1, "b": 3}}, {"q": {"a": 1.0, "b": 0.5}}, metrics)["q"]
    assert high["precision@1"] == 1.0 and high["mrr"] == 1.0
    assert high["ndcg@1"] == pytest.approx(1 / 3)
    negative = score_queries({"q": {"a": -1, "b": 1}}, {"q": {"a": 1.0, "b": 0.5}}, metrics)["q"]
    assert negative["precision@1"] == 0.0 and negative["mrr"] == 0.5


@pytest.mark.parametrize(
    ("relevant", "rank"),
    [("c", 1), ("b", 2), ("a", 3), ("d9", 1), ("d10", 2)],
)
def test_ties_break_by_doc_id_descending(relevant: str, rank: int) -> None:
    docs = ["a", "b", "c"] if relevant in "abc" else ["d9", "d10"]
    run = {"q": {doc: 1.0 for doc in docs}}
    rows = score_queries({"q": {relevant: 1}}, run, parse_metrics(["mrr"]))
    assert rows["q"]["mrr"] == pytest.approx(1 / rank)


def test_row_for_every_judged_query_only() -> None:
    qrels = {"hit": {"a": 1}, "empty": {"b": 1}, "absent": {"c": 2}, "unjudged": {"d": 0}}
    run = {"hit": {"a": 0.3}, "empty": {}, "unjudged": {"d": 1.0}, "stray": {"a": 1.0}}
    metrics = parse_metrics(["ndcg@10", "recall@10", "precision@10", "mrr@10", "map", "hit_rate@10"])
    rows = score_queries(qrels, run, metrics)
    assert list(rows) == ["hit", "empty", "absent"]
    assert rows["hit"] == {
        "ndcg@10": 1.0,
        "recall@10": 1.0,
        "precision@10": 0.1,
        "mrr@10": 1.0,
        "map": 1.0,
        "hit_rate@10": 1.0,
    }
    assert rows["empty"] == rows["absent"] == dict.fromkeys(rows["hit"], 0.0)


def test_no_judged_queries_gives_no_rows() -> None:
    assert score_queries({"q": {"a": 0}}, {"q": {"a": 1.0}}, parse_metrics(["mrr"])) == {}


def test_numpy_scalars_are_accepted_and_non_finite_scores_rejected() -> None:
    # Raw numpy.float32 scores / numpy.int64 grades make pytrec_eval itself raise.
    rows = score_queries({"q": {"a": np.int64(1)}}, {"q": {"a": np.float32(0.5)}}, parse_metrics(["mrr"]))
    assert rows == {"q": {"mrr": 1.0}}
    with pytest.raises(ValueError, match="'q'.*'a'.*non-finite"):
        score_queries({"q": {"a": 1}}, {"q": {"a": math.nan}}, parse_metrics(["mrr"]))


def test_mean_scores_averages_each_label() -> None:
    rows = {"q1": {"mrr": 1.0, "map": 0.5}, "q2": {"mrr": 0.0, "map": 0.25}}
    assert mean_scores(rows) == {"mrr": 0.5, "map": 0.375}
    assert mean_scores({}) == {}
