"""Happy paths of the BEIR loader: fields, graded qrels, metadata, splits, answers, card.toml."""

from __future__ import annotations

from pathlib import Path

from corpus_fixtures import DOCS, QUERIES, jsonl

from ragshift.harness.corpus import load_corpus
from ragshift.harness.types import Document


def test_documents_queries_and_metadata_are_kept(make_beir):
    corpus = load_corpus(make_beir())
    assert corpus.name == "kb"
    assert corpus.documents["d1"] == Document("d1", "Cats purr.", "Cats")
    assert corpus.documents["d1"].meta == {"lang": "en"}
    assert corpus.documents["d3"].title == ""
    q1 = corpus.queries["q1"]
    assert (q1.text, q1.split, q1.query_type) == ("what purrs", "test", "what")
    assert q1.meta == {"split": "test", "query_type": "what", "extra": [1, 2]}
    assert corpus.queries["q2"].query_type is None


def test_graded_zero_and_negative_scores_are_kept(make_beir):
    corpus = load_corpus(make_beir())
    assert corpus.qrels == {"q1": {"d1": 2, "d3": 0}, "q2": {"d2": 1, "d1": -1}}


def test_select_counts_only_queries_with_a_positive_judgement(make_beir):
    qrels = {"test": [("q1", "d1", 0)], "train": [("q2", "d2", 1)]}
    corpus = load_corpus(make_beir(qrels=qrels))
    assert [q.qid for q in corpus.select("test")] == []
    assert [q.qid for q in corpus.select("train")] == ["q2"]
    assert [q.qid for q in corpus.select(None)] == ["q2"]


def test_split_falls_back_to_the_qrels_file_name(make_beir):
    queries = [{"_id": "q1", "text": "a"}, {"_id": "q2", "text": "b"}, {"_id": "q3", "text": "c"}]
    qrels = {"dev": [("q1", "d1", 1)], "holdout": [("q2", "d2", 1)]}
    corpus = load_corpus(make_beir(queries=queries, qrels=qrels))
    assert {q.qid: q.split for q in corpus.queries.values()} == {"q1": "dev", "q2": "holdout", "q3": None}
    assert corpus.splits() == ["dev", "holdout"]


def test_metadata_split_wins_over_files_judging_a_query_twice(make_beir):
    qrels = {"all": [("q1", "d1", 2), ("q2", "d2", 1)], "test": [("q1", "d1", 2)]}
    corpus = load_corpus(make_beir(qrels=qrels))
    assert corpus.queries["q1"].split == "test"
    assert corpus.queries["q2"].split == "train"
    assert corpus.qrels["q1"] == {"d1": 2}


def test_answers_are_loaded_with_extra_keys_allowed(make_beir):
    answers = [{"query_id": "q1", "answers": ["cats", "a cat"], "doc_id": "d1", "answer_starts": [0, 0]}]
    corpus = load_corpus(make_beir(answers=answers))
    assert corpus.answers == {"q1": ("cats", "a cat")}


def test_card_overrides_defaults_and_arguments_override_card(make_beir):
    queries = [{"_id": "q1", "text": "a", "metadata": {"phase": "eval", "kind": "faq", "split": "x"}}]
    card = 'name = "acme"\nsplit_field = "phase"\nquery_type_field = "kind"\nowner = "docs team"\n'
    root = make_beir(queries=queries, qrels={"eval": [("q1", "d1", 1)]}, card=card)
    corpus = load_corpus(root)
    assert (corpus.name, corpus.queries["q1"].split, corpus.queries["q1"].query_type) == ("acme", "eval", "faq")
    corpus = load_corpus(root, split_field="split", query_type_field="nope", name="mine")
    assert (corpus.name, corpus.queries["q1"].split, corpus.queries["q1"].query_type) == ("mine", "x", None)


def test_crlf_bom_blank_lines_and_integer_ids_are_accepted(make_beir):
    corpus_text = "\ufeff" + jsonl([{"_id": 7, "text": "seven"}]).replace("\n", "\r\n") + "\n  \n"
    root = make_beir(corpus=corpus_text, queries=[{"_id": 1, "text": "which"}], qrels={"test": [(1, 7, 1)]})
    corpus = load_corpus(root)
    assert list(corpus.documents) == ["7"]
    assert corpus.qrels == {"1": {"7": 1}}
    assert corpus.queries["1"].split == "test"


def test_documents_only_beir_folder_loads(make_beir):
    corpus = load_corpus(make_beir(queries=None, qrels=None))
    assert len(corpus.documents) == len(DOCS)
    assert corpus.queries == {} and corpus.qrels == {}


def test_loading_writes_nothing(make_beir, tmp_path: Path):
    root = make_beir(answers=[{"query_id": "q1", "answers": ["x"]}], card='name = "n"\n')
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    load_corpus(root)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


def test_fingerprint_depends_on_content_not_location(make_beir, tmp_path: Path):
    first = load_corpus(make_beir())
    copy = tmp_path / "elsewhere"
    copy.mkdir()
    for path in (tmp_path / "kb").rglob("*"):
        target = copy / path.relative_to(tmp_path / "kb")
        target.mkdir(exist_ok=True) if path.is_dir() else target.write_bytes(path.read_bytes())
    assert load_corpus(copy).fingerprint == first.fingerprint
    (copy / "queries.jsonl").write_text(jsonl([dict(QUERIES[0], text="changed"), QUERIES[1]]), encoding="utf-8")
    assert load_corpus(copy).fingerprint != first.fingerprint
