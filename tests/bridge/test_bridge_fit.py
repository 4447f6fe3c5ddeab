"""Fitting bridge maps: a rotation is undone, an affine change recovered, quality measured on held-out items."""

from __future__ import annotations

import numpy as np
import pytest

from ragshift.harness.bridge.fit import fit_affine, fit_map, fit_orthogonal
from ragshift.harness.bridge.maps import LinearMap, unit_rows
from ragshift.harness.bridge.quality import fit_quality
from ragshift.harness.errors import RagshiftError


def mean_cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.sum(unit_rows(a) * unit_rows(b), axis=1)))


def test_orthogonal_map_undoes_a_rotation_almost_exactly(old, rotated, sample_texts) -> None:
    new_vectors, old_vectors = rotated.embed_documents(sample_texts), old.embed_documents(sample_texts)
    assert mean_cosine(new_vectors[150:], old_vectors[150:]) < 0.5  # the rotated space is far from the old one
    exact = fit_orthogonal(new_vectors[:150], old_vectors[:150])
    # every old dimension the sample uses is recovered (the "unknown word" one never occurs: its sign is free)
    np.testing.assert_allclose(exact.weight[:, :-1], rotated.rotation.T[:, :-1], atol=1e-4)
    assert mean_cosine(exact.apply(new_vectors[150:]), old_vectors[150:]) > 0.9999
    shrunk = fit_orthogonal(new_vectors[:150], old_vectors[:150], identity_weight=0.01)  # the default prior
    assert mean_cosine(shrunk.apply(new_vectors[150:]), old_vectors[150:]) > 0.9999


def test_identity_prior_keeps_unseen_directions_unchanged() -> None:
    # data only in the first 3 of 8 dimensions: plain Procrustes leaves the other 5 arbitrary, the prior keeps them
    rng = np.random.default_rng(0)
    x = np.zeros((20, 8))
    x[:, :3] = rng.standard_normal((20, 3))
    fitted = fit_orthogonal(x, x, identity_weight=1.0)
    np.testing.assert_allclose(fitted.weight, np.eye(8), atol=1e-6)


def test_affine_map_recovers_a_low_rank_change() -> None:
    rng = np.random.default_rng(1)
    x = unit_rows(rng.standard_normal((400, 12)))
    change = 0.15 * rng.standard_normal((12, 2)) @ rng.standard_normal((2, 12))  # rank 2
    y = x @ (np.eye(12) + change) + 0.02  # (fitted on unit rows: close to affine, not exactly)
    cosine = {r: mean_cosine(fit_affine(x[:300], y[:300], rank=r).apply(x[300:]), y[300:]) for r in (1, 2, 4)}
    rotation = mean_cosine(fit_orthogonal(x[:300], y[:300]).apply(x[300:]), y[300:])
    assert cosine[2] > 0.99 > max(cosine[1], rotation)
    assert cosine[4] == pytest.approx(cosine[2], abs=1e-3)  # rank beyond the change's adds nothing


def test_affine_map_joins_spaces_of_different_dimension(old, sample_texts) -> None:
    from ragshift.harness.testing.embedders import KeywordEmbedder

    small = KeywordEmbedder(old.vocabulary[:12])
    fitted = fit_affine(old.embed_documents(sample_texts[:150]), small.embed_documents(sample_texts[:150]), rank=12)
    assert (fitted.in_dim, fitted.out_dim) == (old.dimension, small.dimension)
    mapped = fitted.apply(old.embed_documents(sample_texts[150:]))
    assert mean_cosine(mapped, small.embed_documents(sample_texts[150:])) > 0.8


def test_orthogonal_map_refuses_different_dimensions() -> None:
    with pytest.raises(RagshiftError, match=r"same dimension \(new 4, old 3\).*affine"):
        fit_orthogonal(np.eye(4), np.eye(4)[:, :3])


def test_mlp_map_learns_what_a_linear_map_misses() -> None:
    rng = np.random.default_rng(2)
    x = unit_rows(rng.standard_normal((400, 8)))
    y = unit_rows(x + 0.5 * np.tanh(2 * x @ rng.standard_normal((8, 8))))  # not linear in x
    options = {"kind": "mlp", "identity_weight": 0.01, "hidden": 64, "epochs": 100, "lr": 1e-2, "seed": 0}
    mlp = fit_map(x[:300], y[:300], options)
    linear = fit_orthogonal(x[:300], y[:300], identity_weight=0.01)  # where it starts
    assert mean_cosine(mlp.apply(x[300:]), y[300:]) > mean_cosine(linear.apply(x[300:]), y[300:]) + 0.02
    again = fit_map(x[:300], y[:300], options)
    assert again.weights_hash() == mlp.weights_hash()  # seeded: the same weights


def test_fit_quality_counts_neighbours_and_self_matches() -> None:
    pool = unit_rows(np.eye(6) + 0.1)
    perfect = fit_quality(pool[[1, 4]], pool[[1, 4]], pool, np.array([1, 4]), k=3)
    assert perfect.mean_cosine == pytest.approx(1.0) and perfect.neighbours == 1.0 and perfect.top1 == 1.0
    swapped = fit_quality(pool[[4, 1]], pool[[1, 4]], pool, np.array([1, 4]), k=1)
    assert swapped.top1 == 0.0 and swapped.neighbours == 0.0


def test_linear_map_checks_its_input() -> None:
    with pytest.raises(RagshiftError, match="takes 3-d vectors"):
        LinearMap("orthogonal", np.eye(3)).apply(np.ones((2, 4)))
