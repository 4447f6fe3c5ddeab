"""Downstream answer quality: generate an answer per query from its retrieved contexts, score it per query.

Answer metrics are labels in ``Row.metrics`` (``answer.rouge_l``, ``ctx.precision``,
``judge.faithfulness``, ...), so comparisons, slices, policies and reports treat them like
retrieval metrics. A failed judge verdict is None (and counted in ``meta["answer"]``), never 0.
The configured stage is built by the composition root (``ragshift.harness.systems.build_answer_stage``).
"""

from ragshift.harness.answers.cache import AnswerCache, CachedGenerator, CachedJudge
from ragshift.harness.answers.changes import AnswerChange, Transfer, changed_answers, retrieval_to_answers
from ragshift.harness.answers.config import AnswersConfig, GeneratorConfig, JudgeConfig
from ragshift.harness.answers.metrics import DEFAULT_METRICS, JUDGED, MENU, OFFLINE, parse_answer_metrics
from ragshift.harness.answers.prompt import PromptTemplate
from ragshift.harness.answers.rows import answer_rows, failure_counts, merge_rows
from ragshift.harness.answers.sample import AnswerSample, JudgeVerdict
from ragshift.harness.answers.stage import AnswerStage

__all__ = [
    "AnswerCache", "AnswerChange", "Transfer", "changed_answers", "retrieval_to_answers", "AnswerSample", "AnswerStage", "AnswersConfig", "CachedGenerator", "CachedJudge",
    "DEFAULT_METRICS", "GeneratorConfig", "JUDGED", "JudgeConfig", "MENU", "OFFLINE", "PromptTemplate",
    "JudgeVerdict", "answer_rows", "failure_counts", "merge_rows", "parse_answer_metrics",
]
