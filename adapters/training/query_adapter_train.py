"""Training the query-side adapter: a d×d map (+ bias) on frozen base query vectors.

Objective: softmax cross-entropy of each (query, positive) pair over a fixed candidate set of base
document vectors (the whole corpus up to ``max_documents``; else the judged documents plus a seeded
sample), the query's other positives masked out, plus an L2 pull of the map towards the identity.
Vectors come from the base Embedder (cache-friendly); only small matrices are trained, in seconds.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ragshift.adapters.training.query_adapter import QueryAdapterEmbedder
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.finetune.config import FinetuneConfig
from ragshift.harness.finetune.curves import DEV_KEY, TRAIN_KEY
from ragshift.harness.finetune.evalsets import EvalSets, mean_ndcg
from ragshift.harness.protocols import Embedder
from ragshift.harness.types import Query


@dataclass(frozen=True)
class AdapterOutcome:
    model_dir: Path
    log_history: list[dict[str, Any]]
    steps: int
    candidates: int


def _candidates(corpus: Corpus, queries: Sequence[Query], limit: int, seed: int) -> list[str]:
    docs = sorted(corpus.documents)
    if len(docs) <= limit:
        return docs
    judged = sorted({d for q in queries for d in corpus.qrels.get(q.qid, {}) if d in corpus.documents})
    rest = sorted(set(docs) - set(judged))
    return sorted(judged + random.Random(seed).sample(rest, max(0, limit - len(judged))))


def _evaluate(adapter: QueryAdapterEmbedder, sets: EvalSets, pool: np.ndarray, query_vectors: Mapping[str, np.ndarray]):
    doc_ids = list(sets.documents)
    return {
        f"eval_{name}_ndcg@10": mean_ndcg(list(qs), adapter.transform(query_vectors[name]), doc_ids, pool, sets.qrels)
        for name, qs in sets.queries.items()
    }


def train_query_adapter(
    *,
    cfg: FinetuneConfig,
    base: Embedder,
    corpus: Corpus,
    train_queries: Sequence[Query],
    eval_sets: EvalSets,
    work_dir: Path,
) -> AdapterOutcome:
    """Train, keep the best map by dev nDCG@10 (else the last), save it to ``work_dir/model``."""
    hp = cfg.query_adapter
    torch.manual_seed(cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    candidates = _candidates(corpus, train_queries, hp.max_documents, cfg.seed)
    column = {d: i for i, d in enumerate(candidates)}
    doc_vectors = torch.from_numpy(base.embed_documents([corpus.documents[d].full_text for d in candidates]))
    queries = [q for q in train_queries if any(s > 0 and d in column for d, s in corpus.qrels.get(q.qid, {}).items())]
    query_vectors = torch.from_numpy(base.embed_queries([q.text for q in queries]))
    positives = torch.zeros(len(queries), len(candidates), dtype=torch.bool)
    examples = []
    for row, q in enumerate(queries):
        for d, s in sorted(corpus.qrels[q.qid].items()):
            if s > 0 and d in column:
                positives[row, column[d]] = True
                examples.append((row, column[d]))
    pairs = torch.tensor(examples, dtype=torch.long)

    pool_ids = list(eval_sets.documents)
    pool = base.embed_documents([eval_sets.documents[d] for d in pool_ids])
    eval_queries = {name: base.embed_queries(list(qs.values())) for name, qs in eval_sets.queries.items()}

    dim = base.dimension
    weight = torch.nn.Parameter(torch.eye(dim))
    bias = torch.nn.Parameter(torch.zeros(dim))
    optimizer = torch.optim.Adam([weight, bias], lr=hp.lr)
    eye = torch.eye(dim)
    docs_unit = torch.nn.functional.normalize(doc_vectors, dim=1)
    primary = f"eval_{DEV_KEY}" if "dev" in eval_sets.queries else f"eval_{TRAIN_KEY}"

    def snapshot() -> QueryAdapterEmbedder:
        return QueryAdapterEmbedder(base, weight.detach().numpy().copy(), bias.detach().numpy().copy())

    log = [{"epoch": 0.0, "step": 0, **_evaluate(snapshot(), eval_sets, pool, eval_queries)}]
    best, best_score, step = snapshot(), None, 0
    for epoch in range(1, hp.epochs + 1):
        order = pairs[torch.randperm(len(pairs), generator=generator)]
        for start in range(0, len(order), cfg.batch_size):
            batch = order[start : start + cfg.batch_size]
            rows, cols = batch[:, 0], batch[:, 1]
            mapped = torch.nn.functional.normalize(
                torch.nn.functional.normalize(query_vectors[rows], dim=1) @ weight.T + bias, dim=1
            )
            logits = hp.scale * mapped @ docs_unit.T
            others = positives[rows].clone()
            others[torch.arange(len(rows)), cols] = False
            logits = logits.masked_fill(others, float("-inf"))
            loss = torch.nn.functional.cross_entropy(logits, cols)
            loss = loss + hp.to_identity * ((weight - eye).pow(2).sum() + bias.pow(2).sum())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
        current = snapshot()
        metrics = _evaluate(current, eval_sets, pool, eval_queries)
        log.append({"epoch": float(epoch), "step": step, "loss": round(loss.item(), 6), **metrics})
        if best_score is None or metrics[primary] > best_score:
            best, best_score = current, metrics[primary]
    final = work_dir / "model"
    best.save(final, {"base_model": _portable(cfg.base_model), "max_length": cfg.max_seq_length})
    return AdapterOutcome(final, log, step, len(candidates))


def _portable(name: str) -> str:
    """A local base-model path is stored absolute (the directory may be read from elsewhere)."""
    path = Path(name).expanduser()
    return str(path.resolve()) if path.exists() else name
