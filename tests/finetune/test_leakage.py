"""The leakage guard: identical / near-identical queries and leaked answers are refused, by name."""

from __future__ import annotations

import pytest

from ragshift.harness.finetune.config import FinetuneConfig
from ragshift.harness.finetune.leakage import (
    LeakageError,
    QueryItem,
    check_model,
    find_leakage,
    guard,
    write_manifest,
)
from ragshift.harness.finetune.run import run_finetune

TRAIN = [
    QueryItem("t1", "How do I reset my password?", frozenset({"pw"})),
    QueryItem("t2", "Obesity decreases the quality of life in older adults.", frozenset({"obese"})),
    QueryItem("t3", "When is lunch served?", frozenset({"lunch"})),
    QueryItem("t4", "Vitamin D lowers the risk of fractures in older women.", frozenset({"vitd"})),
]
EVAL = [
    QueryItem("e1", "how do i reset my password", frozenset({"pw"})),
    QueryItem("e2", "Obesity increases the quality of life in older adults.", frozenset({"obese"})),
    QueryItem("e3", "Where can visitors park?", frozenset({"park"})),
    QueryItem("e4", "Vitamin D lowers the risk of fractures in older men.", frozenset({"other"})),
]


def test_each_kind_of_overlap_is_found_and_clean_queries_are_not() -> None:
    report = find_leakage(TRAIN, EVAL, threshold=0.8)
    kinds = {(o.train_qid, o.eval_qid): o.kind for o in report.overlaps}
    assert kinds == {
        ("t1", "e1"): "identical_query",
        ("t2", "e2"): "shared_positive",
        ("t4", "e4"): "near_identical_query",
    }
    assert report.counts() == {"identical_query": 1, "shared_positive": 1, "near_identical_query": 1}
    shared = next(o for o in report.overlaps if o.kind == "shared_positive")
    assert shared.shared_documents == ("obese",)


def test_refusal_names_the_overlapping_items() -> None:
    with pytest.raises(LeakageError) as err:
        guard(find_leakage(TRAIN, EVAL, threshold=0.8), allow=False)
    message = str(err.value)
    for fragment in ("'t1'", "'e1'", "'t2'", "'e2'", "obese", "identical_query", "--allow-leakage"):
        assert fragment in message
    assert "'e3'" not in message


def test_explicit_override_is_recorded() -> None:
    report = guard(find_leakage(TRAIN, EVAL, threshold=0.8), allow=True)
    assert report.overridden and report.to_json()["overridden"] is True
    assert len(report.to_json()["overlaps"]) == 3


def test_clean_data_passes_without_override() -> None:
    report = guard(find_leakage(TRAIN[2:3], EVAL[2:3], threshold=0.8), allow=False)
    assert report.clean and not report.overridden


def test_threshold_controls_near_identical() -> None:
    assert find_leakage(TRAIN, EVAL, threshold=0.999).counts() == {"identical_query": 1}


def test_finetune_refuses_before_loading_any_model(corpus, tmp_path) -> None:
    cfg = FinetuneConfig(base_model="no-such-model-would-fail-to-load", output=tmp_path / "m")
    with pytest.raises(LeakageError, match="'t1'.*'e4'"):
        run_finetune(cfg, corpus)
    assert not (tmp_path / "m").exists()


def test_evaluation_guard_reads_the_model_manifest(corpus, tmp_path) -> None:
    write_manifest(tmp_path, QueryItem.from_corpus(corpus, corpus.select("train")), threshold=0.8)
    test = corpus.select("test")
    with pytest.raises(LeakageError, match="'e4'"):
        check_model(tmp_path, corpus, test)
    report = check_model(tmp_path, corpus, test, allow=True)
    assert report.overridden and [o.eval_qid for o in report.overlaps] == ["e4"]
    assert check_model(tmp_path, corpus, [q for q in test if q.qid != "e4"]).clean
    assert check_model(tmp_path / "not-ragshift", corpus, test) is None
