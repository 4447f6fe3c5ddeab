"""ragas' non-LLM metrics per query on hand-made samples, with hand-computed values."""

from __future__ import annotations

import pytest

from ragshift.adapters.judges.ragas_offline import RagasOfflineScorer, normalise
from ragshift.harness.answers.sample import AnswerSample
from ragshift.harness.testing.answer_contracts import JudgeContract

TOWER = "The Eiffel Tower is in Paris. It was finished in 1889."
ROME = "Rome is the capital of Italy. It has many fountains."


def sample(response: str, references=("1889",), contexts=(TOWER, ROME), ids=("d1", "d3")) -> AnswerSample:
    return AnswerSample(
        qid="q", question="When was the Eiffel Tower finished?", contexts=contexts, context_ids=ids,
        response=response, references=references, reference_contexts=(TOWER,), reference_context_ids=("d1",),
    )


@pytest.fixture(scope="module")
def scorer() -> RagasOfflineScorer:
    return RagasOfflineScorer()


class TestOfflineScorerContract(JudgeContract):
    @pytest.fixture
    def make_judge(self, scorer):
        return lambda: scorer


def values(scorer, metric, samples):
    return [v.value for v in scorer.score(metric, samples)]


def test_answer_metrics_against_one_gold_answer(scorer):
    s = sample("It was finished in 1889.")
    assert values(scorer, "answer.exact_match", [s]) == [0.0]
    assert values(scorer, "answer.contains_gold", [s]) == [1.0]
    # Levenshtein: "1889" vs "it was finished in 1889" needs 19 edits over 23 characters.
    assert values(scorer, "answer.string_similarity", [s]) == [pytest.approx(4 / 23)]
    # ROUGE-L F1: LCS of 1 token; precision 1/5, recall 1/1.
    assert values(scorer, "answer.rouge_l", [s]) == [pytest.approx(1 / 3)]


def test_exact_match_uses_squad_normalisation(scorer):
    assert normalise("The  Warsaw!") == "warsaw"
    got = values(scorer, "answer.exact_match", [sample("Warsaw.", ("Warsaw",)), sample("Kraków", ("Warsaw",))])
    assert got == [1.0, 0.0]


def test_the_best_of_several_gold_answers_counts(scorer):
    s = sample("in Warsaw, Poland", references=("Warsaw", "in Warsaw, Poland"))
    assert values(scorer, "answer.exact_match", [s]) == [1.0]
    assert values(scorer, "answer.rouge_l", [s]) == [1.0]


def test_id_based_context_metrics(scorer):
    found, missed = sample("x"), sample("x", ids=("d3", "d2"))
    assert values(scorer, "ctx.id_precision", [found, missed]) == [0.5, 0.0]
    assert values(scorer, "ctx.id_recall", [found, missed]) == [1.0, 0.0]


def test_text_based_context_metrics_reward_the_relevant_text_early(scorer):
    first, second, absent = sample("x"), sample("x", contexts=(ROME, TOWER)), sample("x", contexts=(ROME,))
    precision = values(scorer, "ctx.precision", [first, second, absent])
    assert precision == [pytest.approx(1.0), pytest.approx(0.5), pytest.approx(0.0)]
    assert values(scorer, "ctx.recall", [first, second, absent]) == [1.0, 1.0, 0.0]


def test_fingerprint_names_ragas_and_the_normalisation(scorer):
    described = scorer.describe()
    assert described["ragas"] and described["normalisation"] == "squad-v1.1"
