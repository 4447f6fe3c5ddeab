"""Consistency filter for pseudo-queries: keep one only if it can find its own chunk.

Two tests (either or both, per :class:`~ragshift.harness.finetune.options.ConsistencyFilter`): the base model
ranks the source chunk within ``top_k`` of every chunk of the corpus (round-trip consistency, as in
PAQ/Promptagator), and the teacher scores (query, chunk) at least ``teacher_min``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.console import Console

from ragshift.harness.finetune.options import ConsistencyFilter
from ragshift.harness.finetune.sources import Passage, PseudoPair
from ragshift.harness.finetune.teacher import score_pairs
from ragshift.harness.protocols import CrossScorer
from ragshift.harness.protocols import Embedder

BLOCK = 512


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def own_chunk_ranks(queries: Sequence[str], own: Sequence[int], chunk_vectors: np.ndarray, embedder: Embedder) -> np.ndarray:
    """1-based rank of each query's own chunk (row ``own[i]`` of ``chunk_vectors``) by cosine; ties count against it."""
    chunks = _unit(chunk_vectors)
    ranks = np.zeros(len(queries), dtype=np.int64)
    for start in range(0, len(queries), BLOCK):
        q = _unit(embedder.embed_queries(list(queries[start : start + BLOCK])))
        scores = q @ chunks.T
        mine = scores[np.arange(len(q)), np.asarray(own[start : start + BLOCK])]
        ranks[start : start + len(q)] = (scores >= mine[:, None]).sum(axis=1)
    return ranks


def filter_pairs(
    pairs: Sequence[PseudoPair],
    *,
    spec: ConsistencyFilter,
    passages: Sequence[Passage],
    embedder: Embedder,
    teacher: CrossScorer | None = None,
    activation: str = "sigmoid",
    console: Console | None = None,
) -> tuple[list[PseudoPair], dict[str, dict[str, Any]]]:
    """The pairs that pass, and per source: pairs, kept, dropped by rank / by teacher, mean own rank."""
    if not pairs:
        return [], {}
    position = {p.chunk_id: i for i, p in enumerate(passages)}
    texts = {p.chunk_id: p.full_text for p in passages}
    checks: list[np.ndarray] = []
    ranks = None
    if spec.top_k is not None:
        vectors = embedder.embed_documents([p.full_text for p in passages])
        ranks = own_chunk_ranks([p.query for p in pairs], [position[p.chunk_id] for p in pairs], vectors, embedder)
        checks.append(ranks <= spec.top_k)
    teacher_ok = None
    if spec.teacher_min is not None:
        if teacher is None:
            raise ValueError("the consistency filter's teacher_min needs a teacher")
        scores = score_pairs(teacher, [(p.query, texts[p.chunk_id]) for p in pairs], activation=activation,
                             console=console, what="teacher filter")
        teacher_ok = scores >= spec.teacher_min
        checks.append(teacher_ok)
    keep = np.logical_and.reduce(checks) if spec.require == "all" else np.logical_or.reduce(checks)
    stats: dict[str, dict[str, Any]] = {}
    for source in dict.fromkeys(p.source for p in pairs):
        rows = np.array([p.source == source for p in pairs])
        entry: dict[str, Any] = {"pairs": int(rows.sum()), "kept": int(keep[rows].sum())}
        if ranks is not None:
            entry["failed_top_k"] = int((ranks[rows] > spec.top_k).sum())
            entry["median_own_rank"] = float(np.median(ranks[rows]))
        if teacher_ok is not None:
            entry["failed_teacher"] = int((~teacher_ok[rows]).sum())
        stats[source] = entry
    return [p for p, k in zip(pairs, keep) if k], stats
