"""Real corpora: SciFact and XQuAD under ../shared/data, and the shipped corpora/acme-kb (skipped where absent)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from harness.corpus import load_corpus

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "corpora" / "acme-kb"


@pytest.mark.shared_data
def test_scifact(shared_data):
    start = time.perf_counter()
    corpus = load_corpus(shared_data / "scifact")
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"SciFact took {elapsed:.2f}s to load"
    assert (corpus.name, len(corpus.documents), len(corpus.queries)) == ("scifact", 5183, 1109)
    assert corpus.splits() == ["test", "train"]
    assert (len(corpus.select("train")), len(corpus.select("test")), len(corpus.select(None))) == (809, 300, 1109)
    assert sum(len(r) for r in corpus.qrels.values()) == 339 + 919
    assert corpus.queries["0"].meta["evidence_label"] == "NOT_ENOUGH_INFO"
    assert corpus.answers == {}


@pytest.mark.shared_data
def test_xquad(shared_data):
    corpus = load_corpus(shared_data / "xquad_en", query_type_field="qtype_heuristic")
    assert (len(corpus.documents), len(corpus.queries), len(corpus.answers)) == (240, 1190, 1190)
    assert (len(corpus.select("train")), len(corpus.select("test"))) == (894, 296)
    assert Counter(q.query_type for q in corpus.queries.values())["what"] == 680
    assert corpus.answers["56beb4343aeaaa14008c925b"] == ("308",)
    assert all(q.query_type is None for q in load_corpus(shared_data / "xquad_en").queries.values())


@pytest.mark.skipif(not DEFAULT_CORPUS.is_dir(), reason="corpora/acme-kb is not there yet")
def test_shipped_default_corpus_loads_with_splits():
    corpus = load_corpus(DEFAULT_CORPUS)
    judged = corpus.select(None)
    assert corpus.documents and judged
    assert all(q.split for q in judged)
