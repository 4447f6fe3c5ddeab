"""The ``train_positive`` slice: eval queries whose relevant documents a trained model saw as positives."""

from __future__ import annotations

import json

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.finetune.leakage import QueryItem, seen_positives, write_manifest
from ragshift.harness.finetune.facts import mark_seen
from ragshift.harness.types import Document, Query, Row


def corpus(name: str = "c") -> Corpus:
    docs = {d: Document(d, f"text {d}") for d in ("d1", "d2", "d3")}
    queries = {q: Query(q, f"query {q}", split="test") for q in ("t1", "t2")}
    return Corpus(name, docs, queries, {"t1": {"d1": 1, "d3": 0}, "t2": {"d2": 1}})


def model_dir(tmp_path, trained_on: str = "c"):
    write_manifest(tmp_path, [QueryItem("tr1", "train query", frozenset({"d1", "d3"}))], threshold=0.8)
    (tmp_path / "ragshift_finetune.json").write_text(json.dumps({"corpus": {"name": trained_on}}))
    return tmp_path


def test_seen_when_a_relevant_document_was_a_training_positive(tmp_path):
    c = corpus()
    marks = seen_positives(model_dir(tmp_path), c, list(c.queries.values()))
    assert marks == {"t1": True, "t2": False}  # d3 is judged 0 for t1: only relevant documents count


def test_unknown_for_other_models_and_other_corpora(tmp_path):
    c = corpus()
    assert seen_positives(tmp_path, c, list(c.queries.values())) is None  # no manifest: not ragshift-trained
    assert seen_positives(model_dir(tmp_path, trained_on="other"), c, list(c.queries.values())) is None


def test_rows_are_marked_and_the_comparison_slices_by_it(tmp_path):
    from ragshift.harness.config import RunConfig
    from ragshift.harness.run import compare
    from rich.console import Console

    rows = [
        Row(system, f"q{i}", f"query {i}", None, "test", {"ndcg@10": score})
        for system, bump in (("base", 0.0), ("tuned", 0.3))
        for i in range(40)
        for score in [min(1.0, 0.5 + (bump if i < 20 else 0.0))]
    ]
    marked = mark_seen(rows, {f"q{i}": i < 20 for i in range(40)})
    assert {r.meta["train_positive"] for r in marked if r.qid == "q3"} == {"seen"}
    assert mark_seen(rows, None) is rows
    config = RunConfig.model_validate({
        "corpus": {"path": str(tmp_path)}, "embedders": [{"name": "base", "kind": "testing.keyword", "vocabulary": ["a"]},
                                                         {"name": "tuned", "kind": "testing.keyword", "vocabulary": ["b"]}],
        "compare": {"n_resamples": 99, "auto_tags": False},
    })
    comparison = compare(config, marked, Console(quiet=True))
    deltas = {t.slice.label: round(t.stats.delta, 3) for p in comparison.pairs for t in p.tests}
    assert deltas["train_positive=seen"] == 0.3 and deltas["train_positive=unseen"] == 0.0
