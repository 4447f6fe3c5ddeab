"""Offline answer metrics: ragas' non-LLM context and string metrics (no model, no network)."""

from __future__ import annotations

import re
import string
from typing import Any, Callable, Mapping, Sequence

from ragas.metrics._context_precision import IDBasedContextPrecision, NonLLMContextPrecisionWithReference
from ragas.metrics._context_recall import IDBasedContextRecall, NonLLMContextRecall
from ragas.metrics._rouge_score import RougeScore
from ragas.metrics._string import ExactMatch, NonLLMStringSimilarity, StringPresence
from ragas.metrics.base import SingleTurnMetric
from ragas.run_config import RunConfig

from ragshift.adapters.judges._ragas import RAGAS_VERSION, quiet, run_metric, to_ragas
from ragshift.harness.answers.metrics import MENU, OFFLINE
from ragshift.harness.answers.sample import AnswerSample, JudgeVerdict
from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash

_FACTORIES: dict[str, Callable[[], SingleTurnMetric]] = {
    "ctx.precision": NonLLMContextPrecisionWithReference,
    "ctx.recall": NonLLMContextRecall,
    "ctx.id_precision": IDBasedContextPrecision,
    "ctx.id_recall": IDBasedContextRecall,
    "answer.exact_match": ExactMatch,
    "answer.contains_gold": StringPresence,
    "answer.string_similarity": NonLLMStringSimilarity,
    "answer.rouge_l": lambda: RougeScore(rouge_type="rougeL", mode="fmeasure"),
}
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)
NORMALISATION = "squad-v1.1"


def normalise(text: str) -> str:
    """SQuAD v1.1's answer normalisation: lower case, no punctuation, no articles, single spaces."""
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION)).split())


class RagasOfflineScorer:
    """Judge-protocol scorer of the ``ctx.*`` and ``answer.*`` metrics.

    ``answer.*`` compare the SQuAD-normalised answer with each gold answer and keep the best match
    (``contains_gold``: the gold answer occurs in the answer).
    """

    def __init__(self, *, max_workers: int = 8) -> None:
        quiet()
        self._run_config = RunConfig(max_workers=max_workers)
        self._metrics: dict[str, SingleTurnMetric] = {}

    @property
    def metrics(self) -> tuple[str, ...]:
        return OFFLINE

    def score(self, metric: str, samples: Sequence[AnswerSample]) -> list[JudgeVerdict]:
        scorer = self._metric(metric)
        if not MENU[metric].needs_reference:
            return run_metric(scorer, [to_ragas(s) for s in samples], run_config=self._run_config, timeout=None)
        pairs = [(i, ref) for i, s in enumerate(samples) for ref in s.references]
        flat = [to_ragas(samples[i], reference=normalise(ref), response=normalise(samples[i].response)) for i, ref in pairs]
        verdicts = run_metric(scorer, flat, run_config=self._run_config, timeout=None)
        best: list[list[JudgeVerdict]] = [[] for _ in samples]
        for (i, _), verdict in zip(pairs, verdicts):
            best[i].append(verdict)
        return [_best(v) for v in best]

    def fingerprint(self) -> str:
        return stable_hash({"scorer": "ragas-offline", "ragas": RAGAS_VERSION, "normalisation": NORMALISATION})

    def prompt_hash(self, metric: str) -> str:
        self._metric(metric)
        return stable_hash({"metric": metric, "ragas": MENU[metric].ragas})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "ragas-offline", "ragas": RAGAS_VERSION, "normalisation": NORMALISATION, "fingerprint": self.fingerprint()}

    def _metric(self, label: str) -> SingleTurnMetric:
        if label not in _FACTORIES:
            raise ConfigError(f"{label!r} is not an offline answer metric; offline metrics: {', '.join(OFFLINE)}")
        if label not in self._metrics:
            self._metrics[label] = _FACTORIES[label]()
        return self._metrics[label]


def _best(verdicts: list[JudgeVerdict]) -> JudgeVerdict:
    scored = [v for v in verdicts if v.value is not None]
    if scored:
        return max(scored, key=lambda v: v.value or 0.0)
    return verdicts[-1] if verdicts else JudgeVerdict.failed("no gold answer")
