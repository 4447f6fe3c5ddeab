"""How well a bridge reproduces the old space on held-out vectors."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ragshift.harness.bridge.maps import unit_rows


@dataclass(frozen=True)
class FitQuality:
    """Over held-out items: ``mean_cosine`` between mapped new and old vector; ``neighbours`` the mean share
    of the old vector's top ``k`` neighbours (in the sample's old vectors) that the mapped vector also has
    in its top ``k``; ``top1`` the share whose nearest old vector is their own."""

    n: int
    k: int
    mean_cosine: float
    neighbours: float
    top1: float

    def to_json(self) -> dict[str, float | int]:
        return asdict(self)


def fit_quality(mapped: np.ndarray, old: np.ndarray, pool: np.ndarray, positions: np.ndarray, *, k: int = 10) -> FitQuality:
    """``mapped[i]`` and ``old[i]`` are one held-out item, stored at ``pool[positions[i]]``."""
    mapped, old, pool = unit_rows(mapped), unit_rows(old), unit_rows(pool)
    k = min(k, len(pool))
    cosine = np.sum(mapped * old, axis=1)
    by_mapped, by_old = _top(mapped @ pool.T, k), _top(old @ pool.T, k)
    overlap = [len(set(a) & set(b)) / k for a, b in zip(by_mapped, by_old)]
    top1 = by_mapped[:, 0] == np.asarray(positions)
    return FitQuality(len(mapped), k, float(cosine.mean()), float(np.mean(overlap)), float(top1.mean()))


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best scores per row, best first (ties: smaller index first)."""
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]
