"""Contract tests every Generator and Judge passes: subclass the mixin and provide the fixture.

``GeneratorContract`` needs a ``make_generator()`` fixture; ``JudgeContract`` a ``make_judge()``
fixture (and may narrow ``metrics_under_test``).
"""

from __future__ import annotations

import math
from typing import Callable, ClassVar

from ragshift.harness.answers.metrics import MENU
from ragshift.harness.answers.prompt import PromptTemplate
from ragshift.harness.answers.sample import AnswerSample, JudgeVerdict
from ragshift.harness.errors import RagshiftError
from ragshift.harness.protocols import Generator, Judge

CONTRACT_QUESTIONS = (
    ("The Eiffel Tower is in Paris. The Eiffel Tower was finished in 1889.", "When was the Eiffel Tower finished?", "1889"),
    ("Marie Curie was born in Warsaw. She won two Nobel Prizes.", "Where was Marie Curie born?", "Warsaw"),
)
"""(context, question, the word a correct answer contains)."""

CONTRACT_SAMPLES = (
    AnswerSample(
        qid="s1", question="When was the Eiffel Tower finished?",
        contexts=("The Eiffel Tower is in Paris. It was finished in 1889.", "Rome is the capital of Italy."),
        context_ids=("d1", "d2"), response="It was finished in 1889.", references=("1889",),
        reference_contexts=("The Eiffel Tower is in Paris. It was finished in 1889.",), reference_context_ids=("d1",),
    ),
    AnswerSample(
        qid="s2", question="Where was Marie Curie born?",
        contexts=("Rome is the capital of Italy.",), context_ids=("d2",), response="She was born on the Moon.",
        references=("Warsaw",), reference_contexts=("Marie Curie was born in Warsaw.",), reference_context_ids=("d3",),
    ),
)


def contract_prompts() -> list[list[dict[str, str]]]:
    return [PromptTemplate().render(q, [c]) for c, q, _ in CONTRACT_QUESTIONS]


class GeneratorContract:
    def test_implements_protocol(self, make_generator: Callable[[], Generator]) -> None:
        generator = make_generator()
        assert isinstance(generator, Generator)
        assert generator.generate([]) == []

    def test_answers_from_the_context(self, make_generator: Callable[[], Generator]) -> None:
        answers = make_generator().generate(contract_prompts())
        assert len(answers) == len(CONTRACT_QUESTIONS)
        for answer, (_, _, expected) in zip(answers, CONTRACT_QUESTIONS):
            assert isinstance(answer, str) and expected in answer

    def test_deterministic_and_order_preserving(self, make_generator: Callable[[], Generator]) -> None:
        generator = make_generator()
        prompts = contract_prompts()
        together = generator.generate(prompts)
        assert generator.generate(prompts[::-1]) == together[::-1]

    def test_fingerprint_is_stable(self, make_generator: Callable[[], Generator]) -> None:
        generator = make_generator()
        assert isinstance(generator.fingerprint(), str) and generator.fingerprint() == make_generator().fingerprint()
        assert generator.describe()["fingerprint"] == generator.fingerprint()


class JudgeContract:
    metrics_under_test: ClassVar[tuple[str, ...] | None] = None
    """Metrics to exercise (default: all the judge scores)."""

    def _metrics(self, judge: Judge) -> tuple[str, ...]:
        return self.metrics_under_test or judge.metrics

    def test_implements_protocol(self, make_judge: Callable[[], Judge]) -> None:
        judge = make_judge()
        assert isinstance(judge, Judge)
        assert judge.metrics and set(judge.metrics) <= set(MENU)

    def test_one_verdict_per_sample_in_order(self, make_judge: Callable[[], Judge]) -> None:
        judge = make_judge()
        for metric in self._metrics(judge):
            forward = judge.score(metric, list(CONTRACT_SAMPLES))
            backward = judge.score(metric, list(CONTRACT_SAMPLES[::-1]))
            assert judge.score(metric, []) == []
            assert len(forward) == len(CONTRACT_SAMPLES) and all(isinstance(v, JudgeVerdict) for v in forward)
            assert [v.value for v in backward] == [v.value for v in forward][::-1], metric
            for verdict in forward:
                if verdict.value is None:
                    assert verdict.error and verdict.failures >= 1
                else:
                    assert math.isfinite(verdict.value) and 0.0 <= verdict.value <= 1.0

    def test_fingerprint_and_prompt_hash(self, make_judge: Callable[[], Judge]) -> None:
        judge = make_judge()
        assert judge.fingerprint() == make_judge().fingerprint()
        hashes = {m: judge.prompt_hash(m) for m in self._metrics(judge)}
        assert hashes == {m: make_judge().prompt_hash(m) for m in self._metrics(judge)}
        assert len(set(hashes.values())) == len(hashes)
        assert judge.describe()["fingerprint"] == judge.fingerprint()

    def test_unknown_metric_is_an_error(self, make_judge: Callable[[], Judge]) -> None:
        import pytest

        with pytest.raises(RagshiftError, match="metric"):
            make_judge().score("judge.vibes", list(CONTRACT_SAMPLES))
