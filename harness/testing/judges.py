"""A deterministic word-overlap Judge for every ``judge.*`` metric, with scripted failures."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ragshift.harness.answers.metrics import JUDGED
from ragshift.harness.answers.sample import AnswerSample, JudgeVerdict
from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.testing.generators import sentences, words


def _share(parts: Sequence[str], known: set[str]) -> float | None:
    return sum(words(p) <= known for p in parts) / len(parts) if parts else None


def overlap_score(metric: str, sample: AnswerSample) -> float | None:
    """Fraction of answer sentences made only of context words (faithfulness), and alike."""
    context = words(" ".join(sample.contexts))
    reference = sample.references[0] if sample.references else ""
    if metric == "judge.faithfulness":
        return _share(sentences(sample.response), context)
    if metric == "judge.answer_relevancy":
        asked, said = words(sample.question), words(sample.response)
        return len(asked & said) / len(asked | said) if asked | said else None
    if metric == "judge.factual_correctness":
        return float(words(reference) <= words(sample.response))
    if metric == "judge.context_precision":
        return float(words(reference) <= context)
    return _share(sentences(reference), context)


class OverlapJudge:
    """Scores by word overlap; a sample whose answer contains any of ``fail_on`` fails (value None)."""

    def __init__(self, *, fail_on: Sequence[str] = (), version: int = 1) -> None:
        self.fail_on = tuple(fail_on)
        self.version = version
        self.calls: list[tuple[str, int]] = []

    @property
    def metrics(self) -> tuple[str, ...]:
        return JUDGED

    def score(self, metric: str, samples: Sequence[AnswerSample]) -> list[JudgeVerdict]:
        self.prompt_hash(metric)
        self.calls.append((metric, len(samples)))
        verdicts = []
        for sample in samples:
            value = overlap_score(metric, sample)
            if any(marker in sample.response for marker in self.fail_on):
                verdicts.append(JudgeVerdict.failed("ScriptedFailure: unparsable verdict"))
            elif value is None:
                verdicts.append(JudgeVerdict.failed(f"{metric}: nothing to score"))
            else:
                verdicts.append(JudgeVerdict(value))
        return verdicts

    def fingerprint(self) -> str:
        return stable_hash({"judge": "overlap-fake", "version": self.version})

    def prompt_hash(self, metric: str) -> str:
        if metric not in JUDGED:
            raise ConfigError(f"{metric!r} is not an LLM-judged metric; judged metrics: {', '.join(JUDGED)}")
        return stable_hash({"metric": metric})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "overlap-fake", "fingerprint": self.fingerprint()}
