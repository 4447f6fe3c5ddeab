"""Near-duplicate text detection: Jaccard over character trigrams, computed as sparse products.

Texts are normalised first (Unicode NFKC, case-folded, punctuation and whitespace runs collapsed),
so "What is X?" and "what is x" are identical (Jaccard 1.0) and a one-word edit stays close.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

_NON_WORD = re.compile(r"[\W_]+")
NGRAM = 3


def normalize_text(text: str) -> str:
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _shingles(text: str) -> set[str]:
    padded = f" {normalize_text(text)} "
    return {padded[i : i + NGRAM] for i in range(max(1, len(padded) - NGRAM + 1))}


def _matrices(left: Sequence[str], right: Sequence[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    vocab: dict[str, int] = {}
    mats = []
    for texts in (left, right):
        rows, cols = [], []
        for row, text in enumerate(texts):
            for gram in _shingles(text):
                rows.append(row)
                cols.append(vocab.setdefault(gram, len(vocab)))
        mats.append((rows, cols, len(texts)))
    return tuple(  # type: ignore[return-value]
        sparse.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(n, max(1, len(vocab))))
        for r, c, n in mats
    )


def similar_pairs(
    left: Sequence[str], right: Sequence[str] | None = None, *, threshold: float
) -> list[tuple[int, int, float]]:
    """``(i, j, jaccard)`` for every pair at or above ``threshold``, best first.

    With ``right`` omitted, pairs within ``left`` (``i < j``) are returned.
    """
    same = right is None
    other = left if right is None else right
    if not left or not other:
        return []
    a, b = _matrices(left, other)
    inter = (a @ b.T).tocoo()
    size_a = np.asarray(a.sum(axis=1)).ravel()
    size_b = np.asarray(b.sum(axis=1)).ravel()
    jac = inter.data / (size_a[inter.row] + size_b[inter.col] - inter.data)
    keep = jac >= threshold
    if same:
        keep &= inter.row < inter.col
    found = [(int(i), int(j), float(s)) for i, j, s in zip(inter.row[keep], inter.col[keep], jac[keep])]
    return sorted(found, key=lambda p: (-p[2], p[0], p[1]))


def duplicate_groups(texts: Sequence[str], *, threshold: float) -> list[int]:
    """A group id per text; texts linked by a chain of near-duplicate pairs share one."""
    if not texts:
        return []
    pairs = similar_pairs(texts, threshold=threshold)
    rows = [i for i, _, _ in pairs]
    cols = [j for _, j, _ in pairs]
    graph = sparse.coo_matrix((np.ones(len(pairs)), (rows, cols)), shape=(len(texts), len(texts)))
    _, labels = connected_components(graph, directed=False)
    return [int(x) for x in labels]
