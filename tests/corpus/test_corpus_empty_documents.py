"""Documents with neither title nor text: skipped by default (ids kept, qrels kept), refused on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_fixtures import DOCS, QRELS, check_error, jsonl

from ragshift.harness.corpus import load_corpus
from ragshift.harness.errors import CorpusError
from ragshift.harness.metrics.rows import rows_from_hits
from ragshift.harness.metrics.spec import parse_metrics
from ragshift.harness.types import Hit

BLANK = {"_id": "d4", "title": "", "text": ""}
TITLE_ONLY = {"_id": "d5", "title": "Parrots", "text": "  "}
WITH_BLANKS = DOCS + [BLANK, TITLE_ONLY, {"_id": "d6", "text": " \n"}]
QRELS_TO_BLANK = {**QRELS, "test": [("q1", "d1", 2), ("q1", "d4", 1), ("q1", "d3", 0)]}


def test_blank_documents_are_skipped_and_named(make_beir):
    corpus = load_corpus(make_beir(corpus=WITH_BLANKS, qrels=QRELS_TO_BLANK))
    assert corpus.skipped_empty == ("d4", "d6")
    assert sorted(corpus.documents) == ["d1", "d2", "d3", "d5"]
    assert corpus.skipped_warning() == (
        "kb: skipped 2 empty documents (no title, no text): d4, d6; 1 of them judged relevant: kept in the qrels, never retrieved"
    )


def test_the_warning_counts_judged_relevant_ones_only_when_there_are_some(make_beir):
    corpus = load_corpus(make_beir(corpus=WITH_BLANKS))  # QRELS judge none of d4, d6
    assert corpus.skipped_warning() == "kb: skipped 2 empty documents (no title, no text): d4, d6"


def test_a_title_without_text_is_a_document(make_beir):
    corpus = load_corpus(make_beir(corpus=WITH_BLANKS))
    d5 = corpus.documents["d5"]
    assert (d5.title, d5.text) == ("Parrots", "  ")
    assert d5.full_text.strip() == "Parrots"


def test_qrels_to_skipped_documents_are_kept(make_beir):
    corpus = load_corpus(make_beir(corpus=WITH_BLANKS, qrels=QRELS_TO_BLANK))
    assert corpus.qrels["q1"] == {"d1": 2, "d4": 1, "d3": 0}
    assert [q.qid for q in corpus.select("test")] == ["q1"]


def test_a_skipped_relevant_document_counts_as_never_retrieved(make_beir):
    """ir_measures keeps a relevant document that is absent from the run: recall cannot reach 1."""
    corpus = load_corpus(make_beir(corpus=WITH_BLANKS, qrels=QRELS_TO_BLANK))
    queries = corpus.select("test")
    hits = {"q1": [Hit("d1", 0.9), Hit("d5", 0.5), Hit("d3", 0.1)]}
    (row,) = rows_from_hits("s", queries, hits, corpus.qrels, parse_metrics(["recall@10", "ndcg@10", "mrr"]))
    assert row.metrics["recall@10"] == pytest.approx(0.5)
    assert row.metrics["mrr"] == 1.0
    assert 0.0 < row.metrics["ndcg@10"] < 1.0
    assert row.relevant == {"d1": 2, "d4": 1}


def test_skipped_ids_still_count_for_duplicates(make_beir):
    root = make_beir(corpus=DOCS + [BLANK, {"_id": "d4", "text": "again"}])
    with pytest.raises(CorpusError) as info:
        load_corpus(root)
    check_error(info.value, "corpus.jsonl", 5, "duplicate document id 'd4'", "first on line 4")


def test_a_corpus_of_only_blank_documents_is_refused(make_beir):
    root = make_beir(corpus=[BLANK, {"_id": "d6", "title": " ", "text": ""}], queries=None, qrels=None)
    with pytest.raises(CorpusError) as info:
        load_corpus(root)
    check_error(info.value, "corpus.jsonl", None, "empty corpus: all 2 documents are empty")


def test_no_warning_without_blank_documents(make_beir):
    corpus = load_corpus(make_beir())
    assert corpus.skipped_empty == () and corpus.skipped_warning() is None


def test_many_skipped_ids_are_cut_short(make_beir):
    blanks = [{"_id": f"e{i:02d}", "text": ""} for i in range(12)]
    corpus = load_corpus(make_beir(corpus=DOCS + blanks))
    warning = corpus.skipped_warning() or ""
    assert "skipped 12 empty documents" in warning and "e09, … (2 more)" in warning and "e10" not in warning


def test_jsonl_corpus_skips_blank_documents(tmp_path: Path):
    path = tmp_path / "docs.jsonl"
    path.write_text(jsonl([{"id": "a", "text": "x"}, {"id": "b", "text": ""}]), encoding="utf-8")
    assert load_corpus(path).skipped_empty == ("b",)
    with pytest.raises(CorpusError) as info:
        load_corpus(path, on_empty="error")
    check_error(info.value, "docs.jsonl", 2, "empty document 'b'")


def test_folder_corpus_skips_blank_files(tmp_path: Path):
    (tmp_path / "a.md").write_text("# A\nbody\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("  \n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert (list(corpus.documents), corpus.skipped_empty) == (["a"], ("sub/b",))
    (tmp_path / "a.md").write_text("\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty corpus: all 2 .txt/.md files are blank"):
        load_corpus(tmp_path)
