"""Real corpora: SciFact and XQuAD under ../shared/data, and the shipped corpora/acme-kb (skipped where absent)."""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from ragshift.harness.corpus import load_corpus

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
    assert corpus.answers == {} and corpus.skipped_empty == ()


@pytest.mark.shared_data
def test_scifact_with_two_empty_documents_loads_like_a_published_beir_corpus(shared_data, tmp_path):
    """Two documents with empty title and text (as one public BEIR corpus ships) are skipped, not fatal."""
    root = tmp_path / "scifact-with-empties"
    shutil.copytree(shared_data / "scifact", root, ignore=shutil.ignore_patterns("*.md", "raw"))
    with (root / "corpus.jsonl").open("a") as fh:
        for doc_id in ("empty-1", "empty-2"):
            fh.write(json.dumps({"_id": doc_id, "title": "", "text": ""}) + "\n")
    with (root / "qrels" / "test.tsv").open("a") as fh:
        fh.write("1\tempty-2\t1\n")
    corpus = load_corpus(root)
    assert (len(corpus.documents), corpus.skipped_empty) == (5183, ("empty-1", "empty-2"))
    assert corpus.qrels["1"] == {"31715818": 1, "empty-2": 1}
    assert len(corpus.select("test")) == 300


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
