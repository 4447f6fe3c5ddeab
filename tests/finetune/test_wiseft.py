"""The forgetting budget: which α is kept, which are rejected and why; the query adapter's mix."""

from __future__ import annotations

import numpy as np
import pytest
from finetune_fixtures import make_corpus

from ragshift.harness.finetune.options import Forgetting
from ragshift.harness.finetune.wiseft import AlphaPoint, GeneralSet, choose_alpha, mix_adapter

CURVE = [
    AlphaPoint(0.0, 0.50, {"general": 0.90}),
    AlphaPoint(0.5, 0.60, {"general": 0.895}),
    AlphaPoint(1.0, 0.65, {"general": 0.87}),
]


def test_best_dev_within_the_budget() -> None:
    choice = choose_alpha(CURVE, max_drop=0.01)
    assert choice.alpha == 0.5 and set(choice.rejected) == {1.0}
    assert "general 0.9000 → 0.8700 (drop 0.0300 > 0.01)" in choice.rejected[1.0]
    assert choose_alpha(CURVE, max_drop=0.05).alpha == 1.0
    data = choice.to_json()
    assert data["alpha"] == 0.5 and data["curve"][1] == {"alpha": 0.5, "dev": 0.6, "general:general": 0.895}
    assert data["rejected"] == [{"alpha": 1.0, "why": choice.rejected[1.0]}]


def test_ties_go_to_the_smaller_alpha_and_no_dev_takes_the_largest_allowed() -> None:
    flat = [AlphaPoint(a, 0.5, {}) for a in (1.0, 0.0, 0.5)]
    assert choose_alpha(flat, max_drop=0.0).alpha == 0.0
    no_dev = [AlphaPoint(a, None, {"g": g}) for a, g in ((0.0, 0.8), (0.5, 0.8), (1.0, 0.7))]
    choice = choose_alpha(no_dev, max_drop=0.01)
    assert choice.alpha == 0.5 and "no dev split" in choice.reason
    with pytest.raises(ValueError, match="α = 0"):
        choose_alpha(CURVE[1:], max_drop=0.01)


def test_adapter_mix_runs_from_identity_to_the_trained_map() -> None:
    w, b = np.full((3, 3), 2.0, dtype=np.float32), np.ones(3, dtype=np.float32)
    assert np.array_equal(mix_adapter(w, b, 0.0)[0], np.eye(3)) and not mix_adapter(w, b, 0.0)[1].any()
    assert np.array_equal(mix_adapter(w, b, 1.0)[0], w) and np.array_equal(mix_adapter(w, b, 1.0)[1], b)
    assert np.allclose(mix_adapter(w, b, 0.5)[0], (np.eye(3) + w) / 2)


def test_general_set_samples_queries_and_builds_a_pool() -> None:
    g = GeneralSet("desk", make_corpus(leak=False), "train")
    sets = g.eval_sets(max_queries=5, pool_size=8, seed=0)
    assert len(sets.queries["desk"]) == 5 and len(sets.documents) == 8
    with pytest.raises(ValueError, match="no judged queries in split 'nope'"):
        GeneralSet("desk", make_corpus(), "nope").eval_sets(max_queries=5, pool_size=8, seed=0)


@pytest.mark.parametrize(
    "alphas, message", [((0.5, 1.0), "must include 0.0"), ((0.0, 1.5), "values in \\[0, 1\\]"), ((0.0, 0.0), "duplicates")]
)
def test_alpha_grid_is_validated(alphas, message) -> None:
    with pytest.raises(ValueError, match=message):
        Forgetting(alphas=alphas)


def test_adapter_choice_writes_the_mixed_map(tmp_path) -> None:
    from ragshift.adapters.training.query_adapter import QueryAdapterEmbedder
    from ragshift.adapters.training.wiseft import choose_adapter
    from ragshift.harness.finetune.evalsets import build_eval_sets
    from ragshift.harness.testing.embedders import KeywordEmbedder

    corpus = make_corpus(leak=False)
    base = KeywordEmbedder(["password", "reset", "invoices", "refund", "vpn", "lunch", "park"])
    scramble = np.roll(np.eye(base.dimension, dtype=np.float32), 1, axis=0)  # a map that ruins retrieval
    QueryAdapterEmbedder(base, scramble, np.zeros(base.dimension, np.float32)).save(tmp_path, {"base_model": "kw"})
    queries = [q for q in corpus.select("train") if q.qid in ("t1", "t2", "t3", "t6", "t8", "t9")]
    sets = {"general": build_eval_sets(corpus, {"general": queries}, pool_size=20, seed=0)}
    choice = choose_adapter(tmp_path, base, sets, (0.0, 0.5, 1.0), max_drop=0.0)
    assert choice.alpha == 0.0 and set(choice.rejected) >= {1.0}
    saved = QueryAdapterEmbedder.load(tmp_path, base)
    assert np.array_equal(saved.weight, np.eye(base.dimension)) and not saved.bias.any()
