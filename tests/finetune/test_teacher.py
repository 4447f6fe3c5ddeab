"""The cross-encoder teacher in training: activation, false-negative check, MarginMSE labels (a fake teacher)."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import OverlapTeacher
from finetune_fixtures import make_corpus

from ragshift.harness.finetune.data import build_training_set
from ragshift.harness.finetune.teacher import activate, score_pairs, teacher_check, with_margins


def test_activation() -> None:
    assert activate([0.0, 100.0], "sigmoid").tolist() == pytest.approx([0.5, 1.0])
    assert activate([-3.0], "none").tolist() == [-3.0]
    with pytest.raises(ValueError, match="non-finite"):
        activate([float("nan")], "none")


def test_each_distinct_pair_is_scored_once() -> None:
    teacher = OverlapTeacher()
    scores = score_pairs(teacher, [("a b", "a"), ("a b", "a"), ("a", "a")], activation="none")
    assert scores.tolist() == [0.0, 0.0, 2.0] and teacher.calls == 1


def test_check_drops_a_candidate_the_teacher_scores_like_a_positive() -> None:
    check = teacher_check(OverlapTeacher())
    assert check("reset password", ["reset your password here"], ["password reset page", "lunch menu"]) == [False, True]


def training_set(loss: str = "margin-mse", per_query: int = 1):
    corpus = make_corpus(leak=False)
    return build_training_set(corpus, corpus.select("train"), loss=loss, mined=None, per_query=per_query, seed=0,
                              near_duplicate=0.8, duplicate_documents=0.9)


def test_margin_mse_rows_have_random_negatives_and_teacher_margins() -> None:
    rows = training_set()
    assert rows.columns == ("anchor", "positive", "negative_1") and rows.summary["negatives_random"] == len(rows)
    labelled = with_margins(rows, OverlapTeacher(), activation="sigmoid")
    assert labelled.columns[-1] == "label" and len(labelled) == len(rows)
    for row in labelled.rows:
        q, pos, neg, label = row
        expected = activate(OverlapTeacher().score([(q, pos), (q, neg)]), "sigmoid")
        assert label == pytest.approx(expected[0] - expected[1])
    assert labelled.summary["columns"][-1] == "label" and "teacher_margin_mean" in labelled.summary


def test_several_negatives_give_a_margin_per_negative() -> None:
    labelled = with_margins(training_set(per_query=2), OverlapTeacher(), activation="none")
    assert labelled.columns == ("anchor", "positive", "negative_1", "negative_2", "label")
    assert all(isinstance(r[-1], list) and len(r[-1]) == 2 for r in labelled.rows)
    assert np.isfinite(np.array([r[-1] for r in labelled.rows])).all()


def test_margins_need_negatives() -> None:
    with pytest.raises(ValueError, match="need rows with negatives"):
        with_margins(training_set("mnrl"), OverlapTeacher(), activation="none")


def test_in_batch_losses_share_the_mnrl_shape() -> None:
    for loss in ("cached-mnrl", "gist", "cached-gist"):
        assert training_set(loss).columns == ("anchor", "positive")


def test_check_scores_a_pair_once_across_calls() -> None:
    teacher = OverlapTeacher()
    check = teacher_check(teacher)
    check("reset password", ["reset your password"], ["lunch menu"])
    check("reset password", ["reset your password"], ["parking"])
    assert teacher.calls == 2 and check("reset password", ["reset your password"], ["parking"]) == [True]
    assert teacher.calls == 2
