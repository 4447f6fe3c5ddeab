"""Report helpers: per-type retrieval→answer transfer and examples of answers that changed."""

from __future__ import annotations

import pytest

from ragshift.harness.answers import Transfer, answer_rows, changed_answers, retrieval_to_answers
from ragshift.harness.testing.generators import ExtractiveGenerator

METRICS = ("ctx.id_recall", "answer.contains_gold", "answer.rouge_l")


@pytest.fixture
def rows(corpus, good_hits, bad_hits):
    queries = list(corpus.queries.values())

    def run(system, hits):
        return answer_rows(system, queries, hits, corpus, generator=ExtractiveGenerator(), metrics=METRICS, top_k=1)

    return run("base", bad_hits) + run("tuned", good_hits)


def test_changed_answers_carry_question_gold_both_answers_contexts_and_scores(rows, corpus):
    changes = changed_answers(rows, baseline="base", candidate="tuned", show=("answer.rouge_l",))
    assert [c.qid for c in changes] == ["q2", "q3"]
    q2 = changes[0]
    assert q2.question == "Where was Marie Curie born?" and q2.query_type == "where" and q2.gold == ("Warsaw", "in Warsaw, Poland")
    assert q2.delta == 1.0
    assert q2.baseline.contexts == ({"doc_id": "d3", "text": corpus.documents["d3"].text},)
    assert q2.candidate.answer == "Marie Curie was born in Warsaw."
    assert q2.candidate.scores["answer.contains_gold"] == 1.0 and q2.baseline.scores["answer.contains_gold"] == 0.0
    assert q2.candidate.scores["answer.rouge_l"] > q2.baseline.scores["answer.rouge_l"]
    assert [c.qid for c in changed_answers(rows, baseline="base", candidate="tuned", limit=1)] == ["q2"]
    assert changed_answers(rows, baseline="tuned", candidate="tuned") == []


def test_retrieval_to_answers_per_query_type(rows):
    transfer = retrieval_to_answers(
        rows, baseline="base", candidate="tuned", retrieval_metric="ctx.id_recall", answer_metric="answer.contains_gold"
    )
    assert transfer[0] == Transfer("all", 3, 2 / 3, 2 / 3)
    by = {t.slice: t for t in transfer[1:]}
    assert by["query_type=when"].verdict == "no change"
    assert by["query_type=where"].verdict == "better retrieval, better answers"
    assert set(by) == {"query_type=when", "query_type=where", "query_type=how_many"}


@pytest.mark.parametrize(
    ("retrieval", "answer", "verdict"),
    [
        (0.2, 0.1, "better retrieval, better answers"),
        (0.2, 0.0, "better retrieval, answers not better"),
        (-0.2, -0.1, "worse retrieval, worse answers"),
        (-0.2, 0.3, "worse retrieval, answers not worse"),
        (0.0, 0.3, "answers changed, retrieval did not"),
    ],
)
def test_transfer_verdicts(retrieval, answer, verdict):
    assert Transfer("all", 5, retrieval, answer).verdict == verdict
