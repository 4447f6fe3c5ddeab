"""overlap@K, rank-biased overlap (checked against hand-worked values of Webber et al.'s Eq. 32), rank shifts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ragshift.harness.shipping.shadow import compare_rankings, mean_rank_shift, overlap_at_k, rank_biased_overlap, rank_of


def test_overlap_at_k() -> None:
    assert overlap_at_k(list("abcd"), list("dcba"), 4) == 1.0
    assert overlap_at_k(list("abcd"), list("abxy"), 4) == 0.5
    assert overlap_at_k(list("abcdef"), list("xyzabc"), 3) == 0.0  # only the top 3 count
    assert overlap_at_k(list("ab"), list("ba"), 10) == 1.0  # both shorter than K: a tiny corpus
    assert overlap_at_k(list("abcd"), list("ab"), 4) == 0.5  # one side returned fewer
    assert overlap_at_k([], [], 5) == 1.0
    with pytest.raises(ValueError, match="k must be at least 1"):
        overlap_at_k(["a"], ["a"], 0)


def test_rbo_worked_values() -> None:
    # S = a b c, L = a c b, p = 0.9: X = 1, 1, 3 → (0.1/0.9)(0.9 + 0.405 + 0.729) + 0.729 = 0.955
    assert rank_biased_overlap(list("abc"), list("acb"), p=0.9) == pytest.approx(0.955, abs=1e-12)
    # uneven: S = a b, L = b c a, p = 0.5: X = 0, 1, 2; X_s = 1 →
    # 1·(0 + 0.5·0.25 + (2/3)·0.125) + 1·(1/(2·3))·0.125 + ((2−1)/3 + 1/2)·0.125 = 1/3
    assert rank_biased_overlap(list("ab"), list("bca"), p=0.5) == pytest.approx(1 / 3, abs=1e-12)
    assert rank_biased_overlap(list("bca"), list("ab"), p=0.5) == pytest.approx(1 / 3, abs=1e-12)
    # top-weighted: a swap at the top costs more than the same swap at the bottom
    top = rank_biased_overlap(list("bacdefghij"), list("abcdefghij"))
    bottom = rank_biased_overlap(list("abcdefghji"), list("abcdefghij"))
    assert top < bottom < 1.0


def test_rbo_edge_cases() -> None:
    assert rank_biased_overlap(list("abcdefghij"), list("abcdefghij")) == pytest.approx(1.0)
    assert rank_biased_overlap(list("abc"), list("xyz")) == 0.0
    assert rank_biased_overlap(["a"], ["a"]) == pytest.approx(1.0)
    assert rank_biased_overlap([], []) == 1.0
    assert rank_biased_overlap(["a"], []) == 0.0
    with pytest.raises(ValueError, match="more than once"):
        rank_biased_overlap(["a", "a"], ["a"])
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\)"):
        rank_biased_overlap(["a"], ["a"], p=1.0)


rankings = st.lists(st.sampled_from("abcdefghijkl"), unique=True, max_size=12)


@given(rankings, rankings, st.sampled_from([0.5, 0.9, 0.98]))
def test_rbo_is_symmetric_and_bounded(a: list[str], b: list[str], p: float) -> None:
    value = rank_biased_overlap(a, b, p=p)
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(rank_biased_overlap(b, a, p=p), abs=1e-12)
    if a and b and not set(a) & set(b):
        assert value == 0.0


def test_rank_of_and_mean_rank_shift() -> None:
    assert rank_of("c", list("abc")) == 3 and rank_of("z", list("abc")) is None
    assert mean_rank_shift(list("abcd"), list("badx"), 4) == pytest.approx((1 + 1 + 1) / 3)
    assert mean_rank_shift(list("ab"), list("xy"), 2) is None


def test_compare_rankings_names_every_figure() -> None:
    same = compare_rankings(list("abc"), list("abc"), k=3)
    assert same == {"overlap@3": 1.0, "rbo": pytest.approx(1.0), "mean_rank_shift": 0.0,
                    "top1_rank": 1.0, "top1_same": 1.0, "changed_completely": 0.0}
    moved = compare_rankings(list("abcdef"), list("bxaqrs"), k=3)  # only the top 3 are compared
    assert moved["overlap@3"] == pytest.approx(2 / 3) and moved["top1_rank"] == 3.0
    assert moved["mean_rank_shift"] == pytest.approx(1.5) and moved["top1_same"] == 0.0
    gone = compare_rankings(list("ab"), list("xy"), k=2)
    assert (gone["changed_completely"], gone["top1_rank"], gone["rbo"], gone["mean_rank_shift"]) == (1.0, None, 0.0, None)
    empty = compare_rankings([], [], k=2)
    assert (empty["changed_completely"], empty["top1_rank"]) == (0.0, None)
