"""The answer-quality metric menu: labels, what each needs, and validation of user-given lists.

Every metric is computed by ragas (see ``adapters/judges``); this module only names them.
``ctx.*`` and ``answer.*`` run offline; ``judge.*`` need an LLM judge endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ragshift.harness.errors import ConfigError


@dataclass(frozen=True)
class AnswerMetric:
    label: str
    ragas: str
    """The ragas metric computing it."""
    needs_reference: bool = False
    """Needs a gold answer (corpus answers)."""
    judged: bool = False
    """Needs an LLM judge."""


MENU: dict[str, AnswerMetric] = {
    m.label: m
    for m in (
        AnswerMetric("ctx.precision", "NonLLMContextPrecisionWithReference"),
        AnswerMetric("ctx.recall", "NonLLMContextRecall"),
        AnswerMetric("ctx.id_precision", "IDBasedContextPrecision"),
        AnswerMetric("ctx.id_recall", "IDBasedContextRecall"),
        AnswerMetric("answer.exact_match", "ExactMatch", needs_reference=True),
        AnswerMetric("answer.contains_gold", "StringPresence", needs_reference=True),
        AnswerMetric("answer.string_similarity", "NonLLMStringSimilarity", needs_reference=True),
        AnswerMetric("answer.rouge_l", "RougeScore", needs_reference=True),
        AnswerMetric("judge.faithfulness", "Faithfulness", judged=True),
        AnswerMetric("judge.answer_relevancy", "ResponseRelevancy", judged=True),
        AnswerMetric("judge.factual_correctness", "FactualCorrectness", needs_reference=True, judged=True),
        AnswerMetric("judge.context_precision", "LLMContextPrecisionWithReference", needs_reference=True, judged=True),
        AnswerMetric("judge.context_recall", "LLMContextRecall", needs_reference=True, judged=True),
    )
}

OFFLINE = tuple(label for label, m in MENU.items() if not m.judged)
JUDGED = tuple(label for label, m in MENU.items() if m.judged)
DEFAULT_METRICS = (
    "ctx.precision", "ctx.recall", "ctx.id_precision", "ctx.id_recall",
    "answer.exact_match", "answer.contains_gold", "answer.string_similarity", "answer.rouge_l",
)


def parse_answer_metrics(names: Iterable[str]) -> tuple[str, ...]:
    """Validate labels (case-insensitive), keeping their order; unknown or repeated names are errors."""
    if isinstance(names, str):
        names = [names]
    labels = tuple(str(n).strip().lower() for n in names)
    if not labels:
        raise ConfigError(f"no answer metrics given; valid: {', '.join(MENU)}")
    unknown = [n for n in labels if n not in MENU]
    if unknown:
        raise ConfigError(f"unknown answer metric {', '.join(map(repr, unknown))}; valid: {', '.join(MENU)}")
    twice = sorted({n for n in labels if labels.count(n) > 1})
    if twice:
        raise ConfigError(f"answer metric {', '.join(map(repr, twice))} listed twice")
    return labels
