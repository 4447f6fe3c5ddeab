"""Property: ``score_queries`` equals pytrec_eval called directly, on random qrels and runs."""

from __future__ import annotations

import pytest
import pytrec_eval
from hypothesis import given, settings
from hypothesis import strategies as st

from ragshift.harness.metrics import parse_metrics, score_queries

QIDS = [f"q{i}" for i in range(5)]
DOCS = [f"d{i}" for i in range(12)]  # d10, d11 sort between d1 and d2: string order matters on ties

grades = st.dictionaries(st.sampled_from(DOCS), st.integers(-1, 3), min_size=1, max_size=6)
scores = st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(-5, 5, allow_nan=False))
rankings = st.dictionaries(st.sampled_from(DOCS), scores, max_size=10)
qrels_st = st.dictionaries(st.sampled_from(QIDS), grades, min_size=1)
runs_st = st.dictionaries(st.sampled_from(QIDS + ["stray"]), rankings)  # absent, empty and stray queries


def trec_top(ranking: dict[str, float], k: int) -> dict[str, float]:
    """trec_eval's order (score, then doc id, both descending), cut at k."""
    return dict(sorted(ranking.items(), key=lambda item: (item[1], item[0]), reverse=True)[:k])


def reference(qrels: dict, run: dict, k: int) -> dict[str, dict[str, float]]:
    judged = {q: docs for q, docs in qrels.items() if any(rel >= 1 for rel in docs.values())}
    if not judged:
        return {}
    names = {f"ndcg_cut.{k}", f"recall.{k}", f"P.{k}", "recip_rank", "map", f"map_cut.{k}", f"success.{k}"}
    full = pytrec_eval.RelevanceEvaluator(judged, names).evaluate(run)
    top = {q: trec_top(ranking, k) for q, ranking in run.items()}
    cut = pytrec_eval.RelevanceEvaluator(judged, {"recip_rank"}).evaluate(top)
    rows = {}
    for q in judged:
        got = full.get(q, {})
        rows[q] = {
            f"ndcg@{k}": got.get(f"ndcg_cut_{k}", 0.0),
            f"recall@{k}": got.get(f"recall_{k}", 0.0),
            f"precision@{k}": got.get(f"P_{k}", 0.0),
            "mrr": got.get("recip_rank", 0.0),
            f"mrr@{k}": cut.get(q, {}).get("recip_rank", 0.0),
            "map": got.get("map", 0.0),
            f"map@{k}": got.get(f"map_cut_{k}", 0.0),
            f"hit_rate@{k}": got.get(f"success_{k}", 0.0),
        }
    return rows


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(qrels=qrels_st, run=runs_st, k=st.integers(1, 12))
def test_matches_pytrec_eval(qrels: dict, run: dict, k: int) -> None:
    labels = [f"ndcg@{k}", f"recall@{k}", f"precision@{k}", "mrr", f"mrr@{k}", "map", f"map@{k}", f"hit_rate@{k}"]
    rows = score_queries(qrels, run, parse_metrics(labels))
    expected = reference(qrels, run, k)
    assert list(rows) == list(expected)
    for qid, row in rows.items():
        assert row == pytest.approx(expected[qid], abs=1e-12), qid
