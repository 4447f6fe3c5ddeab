"""Per-epoch evaluation inside the trainer: nDCG@10 of the train sample and the dev set on one pool."""

from __future__ import annotations

from sentence_transformers.base.evaluation.evaluator import BaseEvaluator

from ragshift.adapters.training.encode import encode
from ragshift.harness.finetune.curves import DEV_KEY, TRAIN_KEY
from ragshift.harness.finetune.evalsets import EvalSets, mean_ndcg


class PoolEvaluator(BaseEvaluator):
    """Encodes the pool with the model being trained, ranks each query set, scores with harness metrics."""

    def __init__(self, sets: EvalSets) -> None:
        super().__init__()
        self.sets = sets
        self.primary_metric = DEV_KEY if "dev" in sets.queries else TRAIN_KEY

    def __call__(self, model, output_path=None, epoch: float = -1, steps: int = -1) -> dict[str, float]:
        doc_ids = list(self.sets.documents)
        doc_vectors = encode(model, [self.sets.documents[d] for d in doc_ids], kind="document")
        out = {}
        for name, queries in self.sets.queries.items():
            qids = list(queries)
            vectors = encode(model, [queries[q] for q in qids], kind="query")
            out[f"{name}_ndcg@10"] = mean_ndcg(qids, vectors, doc_ids, doc_vectors, self.sets.qrels)
        return out
