"""ragshift.harness.fusion against hand-computed values: RRF (k=60) and weighted min-max / z-score sums."""

from __future__ import annotations

import math

import pytest

from ragshift.harness.errors import ConfigError
from ragshift.harness.fusion import Fusion, rrf, weighted_sum
from ragshift.harness.types import Hit

A = [Hit("d1", 10.0, chunk_id="d1#0", text="one"), Hit("d2", 6.0), Hit("d3", 2.0)]
B = [Hit("d3", 0.9, chunk_id="d3#1", text="three"), Hit("d1", 0.5, chunk_id="d1#1"), Hit("d4", 0.1)]


def ranking(hits):
    return [(h.doc_id, round(h.score, 9)) for h in hits]


def test_rrf_sums_reciprocal_ranks():
    assert ranking(rrf([A, B])) == [
        ("d1", round(1 / 61 + 1 / 62, 9)),  # 0.032522475
        ("d3", round(1 / 63 + 1 / 61, 9)),  # 0.032266459
        ("d2", round(1 / 62, 9)),
        ("d4", round(1 / 63, 9)),
    ]


def test_rrf_weights_and_k():
    assert ranking(rrf([A, B], weights=[1, 2])) == [
        ("d3", round(1 / 63 + 2 / 61, 9)),  # 0.048659901 beats d1's 0.048651508
        ("d1", round(1 / 61 + 2 / 62, 9)),
        ("d4", round(2 / 63, 9)),
        ("d2", round(1 / 62, 9)),
    ]
    assert ranking(rrf([A], k=0)) == [("d1", 1.0), ("d2", 0.5), ("d3", round(1 / 3, 9))]


def test_weighted_minmax_gives_missing_documents_zero():
    # A -> d1 1, d2 .5, d3 0; B -> d3 1, d1 .5, d4 0
    assert ranking(weighted_sum([A, B])) == [("d1", 1.5), ("d3", 1.0), ("d2", 0.5), ("d4", 0.0)]
    assert ranking(weighted_sum([A, B], weights=[0.3, 0.7])) == [("d3", 0.7), ("d1", 0.65), ("d2", 0.15), ("d4", 0.0)]


def test_weighted_zscore_gives_missing_documents_the_lists_lowest_score():
    z = math.sqrt(1.5)  # both lists are (high, mid, low) evenly spaced: z = +-1.2247, 0
    assert ranking(weighted_sum([A, B], normalization="zscore")) == [
        ("d1", round(z, 9)),
        ("d3", 0.0),
        ("d2", round(-z, 9)),
        ("d4", round(-2 * z, 9)),
    ]


def test_ties_go_to_the_smaller_id_and_payload_comes_from_the_first_list_with_the_document():
    assert [h.doc_id for h in rrf([[Hit("b", 1.0)], [Hit("a", 1.0)]])] == ["a", "b"]
    fused = {h.doc_id: h for h in rrf([A, B])}
    assert (fused["d1"].chunk_id, fused["d1"].text) == ("d1#0", "one")
    assert (fused["d3"].chunk_id, fused["d3"].text) == (None, None)


def test_degenerate_lists():
    assert rrf([[], []]) == [] and weighted_sum([[], []]) == []
    assert ranking(weighted_sum([[Hit("x", 3.0), Hit("y", 3.0)], []])) == [("x", 1.0), ("y", 1.0)]


def test_a_list_whose_scores_all_tie_counts_its_hits_one_and_missing_documents_zero():
    """Else one BM25 match next to 3 dense hits would be worth nothing (z-score: a lone hit sits at the mean)."""
    dense = [Hit("a", 0.5), Hit("b", 0.3), Hit("c", 0.1)]
    single = [Hit("c", 7.0)]
    z = math.sqrt(1.5)
    assert ranking(weighted_sum([dense, single])) == [("a", 1.0), ("c", 1.0), ("b", 0.5)]
    assert ranking(weighted_sum([dense, single], normalization="zscore")) == [
        ("a", round(z, 9)), ("b", 0.0), ("c", round(1 - z, 9))
    ]
    assert ranking(weighted_sum([single], normalization="zscore")) == [("c", 1.0)]


def test_fusion_value_object_dispatches_and_describes():
    assert Fusion().fuse([A, B]) == rrf([A, B])
    weighted = Fusion(method="weighted", weights=(0.3, 0.7), normalization="minmax")
    assert weighted.fuse([A, B]) == weighted_sum([A, B], weights=[0.3, 0.7])
    assert weighted.describe() == {"method": "weighted", "weights": [0.3, 0.7], "normalization": "minmax"}
    assert Fusion(rrf_k=10).describe() == {"method": "rrf", "weights": [], "rrf_k": 10}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "max"}, "'rrf' or 'weighted'"),
        ({"normalization": "rank"}, "'minmax' or 'zscore'"),
        ({"rrf_k": -1}, "rrf_k must be >= 0"),
        ({"weights": (1.0, -1.0)}, "weights must be finite"),
        ({"weights": (0.0, 0.0)}, "not all 0"),
    ],
)
def test_bad_settings_are_config_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        Fusion(**kwargs)


def test_weight_count_must_match_the_lists():
    with pytest.raises(ConfigError, match="3 weights for 2 ranked lists"):
        Fusion(weights=(1, 1, 1)).fuse([A, B])
