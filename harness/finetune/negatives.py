"""Hard-negative mining over precomputed vectors (any :class:`~ragshift.harness.protocols.Embedder`'s output).

For each (query, positive) pair a candidate negative must

* rank inside ``window`` (1-based ranks of the base model's ranking of the whole corpus),
* never be judged relevant (grade > 0) for that query,
* not be a near-duplicate of any of that query's relevant documents,
* score at least ``margin`` below the positive (the guard against unjudged positives),
* and pass the optional ``check`` (e.g. a cross-encoder: a known positive must outrank it).

The best-scoring candidates that survive are kept (``per_query`` of them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ragshift.harness.finetune.similarity import similar_pairs
from ragshift.harness.types import Qrels

CHECK_BATCH = 8
NegativeCheck = Callable[[str, Sequence[str], Sequence[str]], Sequence[bool]]
"""``check(query, positive_texts, candidate_texts)`` -> keep flag per candidate."""


@dataclass
class MiningStats:
    pairs: int = 0
    mined: int = 0
    short_pairs: int = 0
    """Pairs that got fewer than ``per_query`` negatives."""
    skipped_relevant: int = 0
    skipped_duplicate: int = 0
    skipped_margin: int = 0
    skipped_check: int = 0
    negative_scores: list[float] = field(default_factory=list, repr=False)
    positive_scores: list[float] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, float | int]:
        def mean(xs: list[float]) -> float:
            return round(float(np.mean(xs)), 4) if xs else float("nan")

        return {
            "pairs": self.pairs,
            "negatives_mined": self.mined,
            "pairs_short_of_negatives": self.short_pairs,
            "skipped_judged_relevant": self.skipped_relevant,
            "skipped_near_duplicate_of_positive": self.skipped_duplicate,
            "skipped_within_margin": self.skipped_margin,
            "skipped_by_check": self.skipped_check,
            "mean_positive_score": mean(self.positive_scores),
            "mean_negative_score": mean(self.negative_scores),
        }


@dataclass(frozen=True)
class MiningResult:
    negatives: Mapping[tuple[str, str], tuple[str, ...]]
    """``(qid, positive doc id)`` -> negative doc ids, best first."""
    stats: MiningStats


def mine_hard_negatives(
    *,
    queries: Mapping[str, str],
    query_vectors: np.ndarray,
    documents: Mapping[str, str],
    document_vectors: np.ndarray,
    qrels: Qrels,
    window: tuple[int, int],
    margin: float,
    per_query: int,
    duplicate_threshold: float,
    check: NegativeCheck | None = None,
) -> MiningResult:
    """Negatives for every judged (query, positive) pair; vectors are row-aligned with the mappings."""
    qids, doc_ids = list(queries), list(documents)
    index = {d: i for i, d in enumerate(doc_ids)}
    q = _unit(query_vectors)
    d = _unit(document_vectors)
    low, high = window
    high = min(high, len(doc_ids))
    stats = MiningStats()
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for row, qid in enumerate(qids):
        judged = qrels.get(qid, {})
        positives = sorted(doc for doc, grade in judged.items() if grade > 0 and doc in index)
        if not positives:
            continue
        scores = d @ q[row]
        top = np.argpartition(-scores, high - 1)[:high] if high < len(doc_ids) else np.arange(len(doc_ids))
        ranked = [doc_ids[i] for i in top[np.lexsort((top, -scores[top]))]][low - 1 : high]
        candidates = [c for c in ranked if judged.get(c, 0) <= 0]
        stats.skipped_relevant += len(ranked) - len(candidates)
        duplicates = _near_duplicates(candidates, positives, documents, duplicate_threshold)
        stats.skipped_duplicate += len(duplicates)
        candidates = [c for c in candidates if c not in duplicates]
        for pos in positives:
            stats.pairs += 1
            pos_score = float(scores[index[pos]])
            stats.positive_scores.append(pos_score)
            kept = [c for c in candidates if scores[index[c]] <= pos_score - margin]
            stats.skipped_margin += len(candidates) - len(kept)
            kept = _checked(kept, queries[qid], positives, documents, check, per_query, stats)
            out[(qid, pos)] = tuple(kept)
            stats.mined += len(kept)
            stats.short_pairs += len(kept) < per_query
            stats.negative_scores.extend(float(scores[index[c]]) for c in kept)
    return MiningResult(out, stats)


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _near_duplicates(
    candidates: Sequence[str], positives: Sequence[str], documents: Mapping[str, str], threshold: float
) -> set[str]:
    pairs = similar_pairs(
        [documents[c] for c in candidates], [documents[p] for p in positives], threshold=threshold
    )
    return {candidates[i] for i, _, _ in pairs}


def _checked(
    kept: list[str],
    query: str,
    positives: Sequence[str],
    documents: Mapping[str, str],
    check: NegativeCheck | None,
    per_query: int,
    stats: MiningStats,
) -> list[str]:
    """The first ``per_query`` candidates the check accepts (checked lazily, best first, at least
    CHECK_BATCH at a time: a cross-encoder scores a batch far faster than one pair at a time)."""
    if check is None:
        return kept[:per_query]
    accepted: list[str] = []
    step = max(per_query, CHECK_BATCH)
    for start in range(0, len(kept), step):
        batch = kept[start : start + step]
        flags = check(query, [documents[p] for p in positives], [documents[c] for c in batch])
        stats.skipped_check += sum(not f for f in flags)
        accepted += [c for c, ok in zip(batch, flags) if ok]
        if len(accepted) >= per_query:
            break
    return accepted[:per_query]
