"""Fitting a bridge map on paired vectors: ``new`` (the new model's) → ``old`` (the old model's), row by row.

``orthogonal``: a rotation (orthogonal Procrustes, scipy). ``affine``: ``x @ (B + Δ) + b`` with Δ of low rank
(reduced-rank ridge regression, numpy/scipy; B is the identity when both models have the same dimension,
else zero). ``mlp``: a residual MLP on top of the linear fit (torch, ``ragshift.adapters.bridge.mlp``), started at the rotation (or the full-rank affine map).
With ``identity_weight`` > 0 and equal dimensions, the first two are pulled towards "no change": it adds
that many pseudo-pairs (e_i, e_i) per dimension to the data.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
from scipy.linalg import lstsq, orthogonal_procrustes

from ragshift.harness.bridge.maps import BridgeMap, LinearMap, unit_rows
from ragshift.harness.errors import RagshiftError


def fit_orthogonal(new: np.ndarray, old: np.ndarray, *, identity_weight: float = 0.0) -> LinearMap:
    """The rotation R minimising ``‖new R − old‖`` (+ ``identity_weight · ‖R − I‖``)."""
    x, y = _pair(new, old)
    if x.shape[1] != y.shape[1]:
        raise RagshiftError(
            f"map = \"orthogonal\" needs both models to have the same dimension (new {x.shape[1]}, old {y.shape[1]}): "
            "use map = \"affine\" or \"mlp\""
        )
    if identity_weight > 0:
        prior = np.sqrt(identity_weight) * np.eye(x.shape[1])
        x, y = np.vstack([x, prior]), np.vstack([y, prior])
    rotation, _ = orthogonal_procrustes(x, y)
    return LinearMap("orthogonal", rotation)


def fit_affine(new: np.ndarray, old: np.ndarray, *, rank: int, identity_weight: float = 0.0) -> LinearMap:
    """``x @ (B + Δ) + b`` with ``rank(Δ) <= rank``: ridge regression of the residual, then its best rank-r part."""
    x, y = _pair(new, old)
    same = x.shape[1] == y.shape[1]
    base = np.eye(x.shape[1]) if same else np.zeros((x.shape[1], y.shape[1]))
    residual = y - x @ base
    x_mean, r_mean = x.mean(axis=0), residual.mean(axis=0)
    xc, rc = x - x_mean, residual - r_mean
    ridge = identity_weight if same else max(identity_weight, 1e-6)
    if ridge > 0:  # ridge as extra rows: [xc; √λ I] Δ = [rc; 0]
        xc_aug = np.vstack([xc, np.sqrt(ridge) * np.eye(x.shape[1])])
        rc_aug = np.vstack([rc, np.zeros((x.shape[1], y.shape[1]))])
    else:
        xc_aug, rc_aug = xc, rc
    delta = lstsq(xc_aug, rc_aug)[0]
    rank = min(rank, x.shape[1], y.shape[1])
    _, _, vt = np.linalg.svd(xc @ delta, full_matrices=False)
    keep = vt[:rank].T
    delta = delta @ keep @ keep.T  # reduced-rank regression: project the fit on its top-r output directions
    return LinearMap("affine", base + delta, r_mean - x_mean @ delta)


def fit_map(new: np.ndarray, old: np.ndarray, options: Mapping[str, Any]) -> BridgeMap:
    """Fit the map ``options["kind"]`` names (``BridgeSection.fit_options()``)."""
    kind = options["kind"]
    weight = float(options.get("identity_weight", 0.0))
    if kind == "orthogonal":
        return fit_orthogonal(new, old, identity_weight=weight)
    if kind == "affine":
        return fit_affine(new, old, rank=int(options["rank"]), identity_weight=weight)
    if kind == "mlp":
        from ragshift.adapters.bridge.mlp import fit_mlp

        return fit_mlp(
            new, old, linear=linear_start(new, old, identity_weight=weight), hidden=int(options["hidden"]),
            epochs=int(options["epochs"]), lr=float(options["lr"]), seed=int(options.get("seed", 0)),
        )
    raise RagshiftError(f"unknown map kind {kind!r}")


def linear_start(new: np.ndarray, old: np.ndarray, *, identity_weight: float) -> LinearMap:
    """Where the residual MLP starts from: the rotation when both models have the same dimension, else the
    full-rank affine map."""
    if new.shape[1] == old.shape[1]:
        return fit_orthogonal(new, old, identity_weight=identity_weight)
    return fit_affine(new, old, rank=min(new.shape[1], old.shape[1]), identity_weight=identity_weight)


def _pair(new: np.ndarray, old: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    new, old = np.asarray(new), np.asarray(old)
    if new.ndim != 2 or old.ndim != 2 or len(new) != len(old):
        raise RagshiftError(f"a bridge is fitted on paired vectors: got {new.shape} new and {old.shape} old")
    if len(new) < 2:
        raise RagshiftError(f"a bridge needs at least 2 training pairs, got {len(new)}")
    return unit_rows(new).astype(np.float64), unit_rows(old).astype(np.float64)
