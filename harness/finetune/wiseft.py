"""The forgetting budget: choose how far to move from the base model toward the fine-tuned one (WiSE-FT).

For each α of the grid the mixed model θ = (1 − α)·base + α·tuned (for the query adapter: the map
(1 − α)·I + α·W, bias α·b) is measured on the dev split and on every ``[[datasets]]`` general set
(nDCG@10 over a document pool, as the per-epoch curves are). An α is *rejected* when a general set
drops by more than ``max_drop`` below the base (α = 0); among the others the best dev score wins
(ties: the smaller α, closer to the base). Without a dev split the largest allowed α wins.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.finetune.evalsets import EvalSets, build_eval_sets, mean_ndcg

EPS = 1e-9


@dataclass(frozen=True)
class GeneralSet:
    """A ``[[datasets]]`` evaluation set the fine-tune must not forget: ``corpus`` restricted to ``split``."""

    name: str
    corpus: Corpus
    split: str | None

    def fingerprint(self) -> dict[str, Any]:
        return {"name": self.name, "corpus": self.corpus.fingerprint, "split": self.split}

    def eval_sets(self, *, max_queries: int, pool_size: int, seed: int) -> EvalSets:
        queries = sorted(self.corpus.select(self.split), key=lambda q: q.qid)
        if len(queries) > max_queries:
            queries = sorted(random.Random(seed).sample(queries, max_queries), key=lambda q: q.qid)
        if not queries:
            raise ValueError(f"[[datasets]] {self.name!r}: no judged queries in split {self.split!r}")
        return build_eval_sets(self.corpus, {self.name: queries}, pool_size=pool_size, seed=seed)


@dataclass(frozen=True)
class AlphaPoint:
    alpha: float
    dev: float | None
    general: Mapping[str, float]


@dataclass(frozen=True)
class AlphaChoice:
    alpha: float
    points: tuple[AlphaPoint, ...]
    max_drop: float
    rejected: Mapping[float, str]
    """α -> why it was rejected (the general sets that dropped too far)."""
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "max_drop": self.max_drop,
            "reason": self.reason,
            "curve": [{"alpha": p.alpha, "dev": p.dev, **{f"general:{k}": v for k, v in p.general.items()}} for p in self.points],
            "rejected": [{"alpha": a, "why": why} for a, why in sorted(self.rejected.items())],
        }


def choose_alpha(points: Sequence[AlphaPoint], *, max_drop: float) -> AlphaChoice:
    """The α to keep (see the module doc); ``points`` must include α = 0."""
    points = tuple(sorted(points, key=lambda p: p.alpha))
    base = next((p for p in points if p.alpha == 0.0), None)
    if base is None:
        raise ValueError("the α curve needs the base model's point (α = 0)")
    rejected: dict[float, str] = {}
    for p in points:
        drops = {n: base.general[n] - v for n, v in p.general.items()}
        over = [f"{n} {base.general[n]:.4f} → {p.general[n]:.4f} (drop {d:.4f} > {max_drop:g})"
                for n, d in sorted(drops.items()) if d > max_drop + EPS]
        if over:
            rejected[p.alpha] = "; ".join(over)
    allowed = [p for p in points if p.alpha not in rejected]
    if all(p.dev is not None for p in allowed):
        best = max(allowed, key=lambda p: (round(p.dev, 9), -p.alpha))  # type: ignore[arg-type]
        reason = f"best dev nDCG@10 ({best.dev:.4f}) among the α within the forgetting budget"
    else:
        best = max(allowed, key=lambda p: p.alpha)
        reason = "no dev split: the largest α within the forgetting budget"
    return AlphaChoice(best.alpha, points, max_drop, rejected, reason)


def measure(
    sets: Mapping[str, EvalSets],
    embed_queries: Callable[[list[str]], np.ndarray],
    embed_documents: Callable[[list[str]], np.ndarray],
) -> dict[str, float]:
    """nDCG@10 of every query set of every EvalSets (keyed by query-set name) under one model."""
    out = {}
    for evalset in sets.values():
        doc_ids = list(evalset.documents)
        docs = embed_documents([evalset.documents[d] for d in doc_ids])
        for name, queries in evalset.queries.items():
            qids = list(queries)
            out[name] = mean_ndcg(qids, embed_queries([queries[q] for q in qids]), doc_ids, docs, evalset.qrels)
    return out


def dev_only(eval_sets: EvalSets) -> EvalSets | None:
    """The dev query set of the training's eval sets, on the same pool (None without a dev split)."""
    if "dev" not in eval_sets.queries:
        return None
    dev = eval_sets.queries["dev"]
    return EvalSets(eval_sets.documents, {"dev": dev}, {q: eval_sets.qrels[q] for q in dev})


def point(alpha: float, scores: Mapping[str, float]) -> AlphaPoint:
    return AlphaPoint(alpha, scores.get("dev"), {k: v for k, v in scores.items() if k != "dev"})


def mix_adapter(weight: np.ndarray, bias: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """The query adapter moved ``alpha`` of the way from the identity map to (weight, bias)."""
    eye = np.eye(weight.shape[0], dtype=np.float32)
    return ((1 - alpha) * eye + alpha * weight).astype(np.float32), (alpha * bias).astype(np.float32)

