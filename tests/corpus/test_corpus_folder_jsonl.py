"""Happy paths of the folder and JSONL loaders, and format detection."""

from __future__ import annotations

from pathlib import Path

from corpus_fixtures import jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from ragshift.harness.corpus import load_corpus


def test_folder_of_text_files(tmp_path: Path):
    root = tmp_path / "handbook"
    (root / "guides" / "deep").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "intro.md").write_text("Some preface.\n\n## Getting started ##\nbody\n# Later\n", encoding="utf-8")
    (root / "guides" / "deep" / "setup.txt").write_text("Plain text.\n", encoding="utf-8")
    (root / "guides" / "faq.MD").write_text("no heading here\n", encoding="utf-8")
    (root / ".git" / "HEAD.txt").write_text("ref", encoding="utf-8")
    (root / "image.png").write_bytes(b"\x89PNG")
    corpus = load_corpus(root)
    assert corpus.name == "handbook" and corpus.queries == {} and corpus.qrels == {}
    assert {d.doc_id: d.title for d in corpus.documents.values()} == {
        "guides/deep/setup": "setup",
        "guides/faq": "faq",
        "intro": "Getting started",
    }
    assert corpus.documents["intro"].text.startswith("Some preface.")
    assert corpus.documents["guides/faq"].meta == {"path": "guides/faq.MD"}
    assert load_corpus(root, format="folder", name="hb").name == "hb"


def test_jsonl_of_documents_accepts_each_id_key(tmp_path: Path):
    path = tmp_path / "docs.jsonl"
    rows = [
        {"_id": "a", "text": "x", "title": "A", "metadata": {"k": 1}},
        {"id": "b", "text": "y"},
        {"doc_id": 3, "text": "z", "unused": True},
    ]
    path.write_text(jsonl(rows), encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.name == "docs"
    assert [(d.doc_id, d.text, d.title) for d in corpus.documents.values()] == [
        ("a", "x", "A"),
        ("b", "y", ""),
        ("3", "z", ""),
    ]
    assert corpus.documents["a"].meta == {"k": 1}


def test_auto_detects_beir_when_corpus_jsonl_is_present(make_beir):
    root = make_beir()
    (root / "README.md").write_text("# not a document\n", encoding="utf-8")
    assert set(load_corpus(root).documents) == {"d1", "d2", "d3"}
    assert set(load_corpus(root, format="folder").documents) == {"README"}


text = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1).filter(str.strip)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text(min_size=1).filter(str.strip), st.tuples(text, st.text()), min_size=1, max_size=5))
def test_jsonl_round_trips_any_unicode(tmp_path_factory, docs):
    path = tmp_path_factory.mktemp("rt") / "docs.jsonl"
    path.write_text(jsonl([{"_id": k, "text": t, "title": ti} for k, (t, ti) in docs.items()]), encoding="utf-8")
    corpus = load_corpus(path)
    assert {d.doc_id: (d.text, d.title) for d in corpus.documents.values()} == docs
