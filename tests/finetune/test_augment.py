"""Title → body pseudo-queries: what they add to the corpus and to the training set."""

from __future__ import annotations

import pytest

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.errors import ConfigError
from ragshift.harness.finetune.augment import with_title_pairs
from ragshift.harness.finetune.config import FinetuneConfig
from ragshift.harness.finetune.data import build_training_set
from ragshift.harness.types import Document, Query


def corpus() -> Corpus:
    docs = {f"d{i}": Document(f"d{i}", f"body number {i} about topic {i}", title=f"Title {i}" if i % 3 else "") for i in range(9)}
    return Corpus("c", docs, {"q1": Query("q1", "question one", split="train")}, {"q1": {"d1": 1}})


def test_titles_become_queries_for_their_bodies():
    augmented, extra = with_title_pairs(corpus(), 4, seed=0)
    assert len(extra) == 4 and all(q.qid.startswith("title:") for q in extra)
    for q in extra:
        doc = q.qid.removeprefix("title:")
        assert q.text == corpus().documents[doc].title
        assert augmented.documents[q.qid].text == corpus().documents[doc].text and not augmented.documents[q.qid].title
        assert augmented.qrels[q.qid] == {q.qid: 1}
    assert {q.qid.removeprefix("title:") for q in extra} <= {"d1", "d2", "d4", "d5", "d7", "d8"}  # untitled skipped
    assert with_title_pairs(corpus(), 4, seed=0)[1] == extra  # seeded


def test_training_set_holds_real_and_title_pairs():
    augmented, extra = with_title_pairs(corpus(), 100, seed=0)
    assert len(extra) == 6
    rows = build_training_set(
        augmented, [corpus().queries["q1"], *extra], loss="mnrl", mined=None, per_query=1, seed=0,
        near_duplicate=0.8, duplicate_documents=0.9,
    )
    assert rows.summary["pairs"] == 7
    assert ("Title 2", "body number 2 about topic 2") in rows.rows


def test_title_pairs_need_full_fine_tuning():
    with pytest.raises((ConfigError, ValueError), match="title_pairs works with method"):
        FinetuneConfig(method="query-adapter", title_pairs=10)
