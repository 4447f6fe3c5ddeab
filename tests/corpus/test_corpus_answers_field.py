"""answers.jsonl: read only when asked for, its gold-answer field named by answers_field or card.toml."""

from __future__ import annotations

import pytest
from corpus_fixtures import check_error

from ragshift.harness.answers import AnswersConfig
from ragshift.harness.config import CorpusSection
from ragshift.harness.corpus import load_corpus, load_section
from ragshift.harness.errors import CorpusError

# the shape of a public biomedical QA set: its own fields, no `answers`
PUBMEDQA_LIKE = [
    {"query_id": "q1", "final_decision": "yes", "long_answer": "Cats purr when content.", "reasoning_required_pred": {}},
    {"query_id": "q2", "final_decision": "no", "long_answer": "Dogs bark."},
]


def test_foreign_answers_file_names_the_shape_and_the_option(make_beir):
    with pytest.raises(CorpusError) as info:
        load_corpus(make_beir(answers=PUBMEDQA_LIKE))
    check_error(
        info.value, "answers.jsonl", 1,
        'expected {"query_id": ..., "answers": ["gold answer", ...]} (a list of strings or one string)',
        "but no `answers` here (keys: final_decision, long_answer, query_id, reasoning_required_pred)",
        'set [corpus] answers_field to the field of the gold answers, e.g. answers_field = "final_decision" or "long_answer"',
    )


def test_answers_are_not_read_unless_asked_for(make_beir):
    root = make_beir(answers=PUBMEDQA_LIKE)
    assert load_corpus(root, answers=False).answers == {}
    assert load_section(CorpusSection(path=root)).answers == {}


def test_answers_field_names_the_field_a_string_is_one_answer(make_beir):
    root = make_beir(answers=PUBMEDQA_LIKE)
    corpus = load_corpus(root, answers_field="long_answer")
    assert corpus.answers == {"q1": ("Cats purr when content.",), "q2": ("Dogs bark.",)}
    section = CorpusSection(path=root, answers_field="final_decision")
    assert load_section(section, answers=True).answers == {"q1": ("yes",), "q2": ("no",)}


def test_card_names_the_field_and_the_argument_wins(make_beir):
    root = make_beir(answers=PUBMEDQA_LIKE, card='answers_field = "final_decision"\n')
    assert load_corpus(root).answers["q1"] == ("yes",)
    assert load_corpus(root, answers_field="long_answer").answers["q1"] == ("Cats purr when content.",)


def test_answer_records_may_use_the_beir_id_key(make_beir):
    corpus = load_corpus(make_beir(answers=[{"_id": "q1", "answers": ["purring"]}]))
    assert corpus.answers == {"q1": ("purring",)}


def test_a_named_field_of_the_wrong_type(make_beir):
    root = make_beir(answers=[{"query_id": "q1", "long_answer": {"text": "x"}}])
    with pytest.raises(CorpusError) as info:
        load_corpus(root, answers_field="long_answer")
    check_error(info.value, "answers.jsonl", 1, '"long_answer": ["gold answer", ...]', "but `long_answer` is an object")


def test_only_reference_metrics_need_gold_answers():
    assert AnswersConfig(metrics=["answer.rouge_l", "ctx.recall"]).needs_references
    assert not AnswersConfig(metrics=["ctx.precision", "ctx.id_recall"]).needs_references
