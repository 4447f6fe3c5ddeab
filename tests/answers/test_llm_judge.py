"""ragas' LLM metrics with a real OpenAI-compatible judge server on loopback: verdicts, malformed
answers counted as failures, on-disk verdict cache, repeats."""

from __future__ import annotations

import pytest

from ragshift.adapters.judges.ragas_llm import RagasLLMJudge
from ragshift.harness.answers import AnswerCache, CachedJudge
from ragshift.harness.answers.sample import AnswerSample
from ragshift.harness.testing.answer_contracts import JudgeContract
from support.chat_server import chat_server_process
from ragshift.harness.testing.judges import OverlapJudge

TOWER = "The Eiffel Tower is in Paris. It was finished in 1889."
GROUNDED = AnswerSample(
    qid="q1", question="When was the Eiffel Tower finished?", contexts=(TOWER,), context_ids=("d1",),
    response="It was finished in 1889.", references=("It was finished in 1889.",),
    reference_contexts=(TOWER,), reference_context_ids=("d1",),
)
INVENTED = AnswerSample(
    qid="q2", question="When was the Eiffel Tower finished?", contexts=(TOWER,), context_ids=("d1",),
    response="It was finished in 1925 by Napoleon.", references=("It was finished in 1889.",),
    reference_contexts=(TOWER,), reference_context_ids=("d1",),
)


def make(server, **overrides) -> RagasLLMJudge:
    options = {"timeout": 10, "max_retries": 0, "embedding_model": "bag-of-words"}
    return RagasLLMJudge(server.base_url, "rules", **{**options, **overrides})


class TestRagasJudgeContract(JudgeContract):
    @pytest.fixture
    def make_judge(self, server):
        return lambda: make(server)


class TestOverlapJudgeContract(JudgeContract):
    @pytest.fixture
    def make_judge(self):
        return OverlapJudge


def test_faithfulness_tells_grounded_from_invented_answers(server):
    verdicts = make(server).score("judge.faithfulness", [GROUNDED, INVENTED])
    assert [v.value for v in verdicts] == [1.0, 0.0]
    assert all(v.failures == 0 and v.error is None for v in verdicts)
    # ragas asks for statements, then one NLI verdict per sample: two requests each.
    assert len(server.state.chat_requests()) == 4


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("judge.factual_correctness", [1.0, pytest.approx(0.0)]),
        ("judge.context_recall", [1.0, 1.0]),
        ("judge.context_precision", [pytest.approx(1.0), pytest.approx(1.0)]),
    ],
)
def test_reference_based_metrics(server, metric, expected):
    assert [v.value for v in make(server).score(metric, [GROUNDED, INVENTED])] == expected


def test_answer_relevancy_uses_the_judge_embeddings(server):
    verdicts = make(server).score("judge.answer_relevancy", [GROUNDED])
    assert 0.0 < verdicts[0].value < 1.0
    assert any("input" in r and r.get("model") == "bag-of-words" for r in server.state.requests)


def test_malformed_judge_output_is_a_counted_failure_not_a_zero(server):
    server.reset(malformed=True)
    verdicts = make(server).score("judge.faithfulness", [GROUNDED, INVENTED])
    assert [v.value for v in verdicts] == [None, None]
    assert all(v.failures == 1 and v.error.startswith("RagasOutputParserException") for v in verdicts)
    # Each sample: the prompt plus ragas' format-fixing retries, all answered with garbage.
    assert len(server.state.chat_requests()) >= 4


def test_http_errors_are_failures_with_the_cause(server):
    server.reset(failures=[503])
    (verdict,) = make(server).score("judge.faithfulness", [GROUNDED])
    assert verdict.value is None and verdict.failures == 1
    assert verdict.error.startswith("OpenAIAPIError: Error code: 503")


def test_slow_judge_times_out_as_a_failure(server):
    server.reset(delay=2.0)
    (verdict,) = make(server, timeout=0.5).score("judge.faithfulness", [GROUNDED])
    assert verdict.value is None and "Timeout" in verdict.error


def test_configured_temperature_reaches_the_judge(server):
    make(server, temperature=0.7).score("judge.faithfulness", [GROUNDED])
    assert {r["temperature"] for r in server.state.chat_requests()} == {0.7}


def test_transient_errors_are_retried(server):
    server.reset(failures=[503])
    assert make(server, max_retries=1).score("judge.faithfulness", [GROUNDED])[0].value == 1.0


def test_cached_verdicts_cost_no_request_on_rerun(server, tmp_path):
    cache = AnswerCache(tmp_path / "answers.sqlite")
    first = CachedJudge(make(server), cache).score("judge.faithfulness", [GROUNDED, INVENTED])
    calls = len(server.state.chat_requests())
    again = CachedJudge(make(server), AnswerCache(tmp_path / "answers.sqlite"))
    assert again.score("judge.faithfulness", [GROUNDED, INVENTED]) == first
    assert len(server.state.chat_requests()) == calls
    assert (again.hits, again.misses) == (2, 0)


def test_failures_are_not_cached_and_retried_next_run(server, tmp_path):
    cache = AnswerCache(tmp_path / "answers.sqlite")
    server.reset(malformed=True)
    assert CachedJudge(make(server), cache).score("judge.faithfulness", [GROUNDED])[0].value is None
    server.reset()
    judge = CachedJudge(make(server), cache)
    assert judge.score("judge.faithfulness", [GROUNDED])[0].value == 1.0
    assert judge.misses == 1 and cache.count("verdicts") == 1


def test_cache_key_tracks_judge_and_prompt(server, tmp_path):
    cache = AnswerCache(tmp_path / "answers.sqlite")
    CachedJudge(make(server), cache).score("judge.faithfulness", [GROUNDED])
    other_model = CachedJudge(RagasLLMJudge(server.base_url, "other", timeout=10, max_retries=0), cache)
    other_model.score("judge.faithfulness", [GROUNDED])
    assert other_model.misses == 1
    judge = make(server)
    assert judge.prompt_hash("judge.faithfulness") != judge.prompt_hash("judge.factual_correctness")


def test_repeats_give_per_sample_spread(tmp_path):
    judge = CachedJudge(OverlapJudge(), AnswerCache(tmp_path / "a.sqlite"), repeats=3)
    (verdict,) = judge.score("judge.faithfulness", [GROUNDED])
    assert verdict.value == 1.0 and verdict.spread == (1.0, 1.0, 1.0)
    assert judge.misses == 3


def test_repeats_average_successes_and_count_failures(tmp_path):
    class Flaky(OverlapJudge):
        def score(self, metric, samples):
            verdicts = super().score(metric, samples)
            return [v if len(self.calls) != 2 else v.failed("Timeout") for v in verdicts]

    (verdict,) = CachedJudge(Flaky(), AnswerCache(tmp_path / "a.sqlite"), repeats=3).score("judge.faithfulness", [GROUNDED])
    assert verdict.value == 1.0 and verdict.spread == (1.0, 1.0)
    assert verdict.failures == 1 and verdict.error == "Timeout"


def test_separate_server_process_for_generator_and_judge():
    from ragshift.adapters.generators.factory import build_generator
    from ragshift.harness.answers import PromptTemplate

    with chat_server_process() as base_url:
        generator = build_generator("openai", base_url=base_url, model="rules", timeout=10, max_retries=0)
        (answer,) = generator.generate([PromptTemplate().render("When was it finished?", [TOWER])])
        assert answer == "It was finished in 1889."
        judge = RagasLLMJudge(base_url, "rules", timeout=10, max_retries=0)
        assert [v.value for v in judge.score("judge.faithfulness", [GROUNDED, INVENTED])] == [1.0, 0.0]


def test_separate_server_process_with_malformed_judge():
    with chat_server_process("--malformed") as base_url:
        verdicts = RagasLLMJudge(base_url, "rules", timeout=10, max_retries=0).score("judge.faithfulness", [GROUNDED])
    assert verdicts[0].value is None and verdicts[0].error.startswith("RagasOutputParserException")
