"""One test per kind of bad input: each CorpusError names the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_fixtures import DOCS, QUERIES, check_error, jsonl, tsv

from ragshift.harness.corpus import load_corpus
from ragshift.harness.errors import ConfigError, CorpusError


def load_error(path: Path, **kwargs) -> CorpusError:
    with pytest.raises(CorpusError) as info:
        load_corpus(path, **kwargs)
    return info.value


def test_malformed_json(make_beir):
    root = make_beir(corpus=jsonl(DOCS[:1]) + '{"_id": "d2", "text": \n')
    check_error(load_error(root), "corpus.jsonl", 2, "malformed JSON")


def test_line_that_is_not_an_object(make_beir):
    root = make_beir(queries=jsonl(QUERIES) + '["q3", "text"]\n')
    check_error(load_error(root), "queries.jsonl", 3, "expected a JSON object, got an array")


def test_missing_id(make_beir):
    root = make_beir(corpus=DOCS + [{"text": "no id"}])
    check_error(load_error(root), "corpus.jsonl", 4, "missing `_id`")


def test_missing_text(make_beir):
    root = make_beir(queries=[QUERIES[0], {"_id": "q2"}])
    check_error(load_error(root), "queries.jsonl", 2, "missing `text`")


def test_text_that_is_not_a_string(make_beir):
    root = make_beir(corpus=[{"_id": "d1", "text": ["a"]}])
    check_error(load_error(root), "corpus.jsonl", 1, "`text` must be a string")


def test_duplicate_document_id_names_both_lines(make_beir):
    root = make_beir(corpus=DOCS + [{"_id": "d2", "text": "again"}])
    check_error(load_error(root), "corpus.jsonl", 4, "duplicate document id 'd2'", "first on line 2")


def test_duplicate_query_id_names_both_lines(make_beir):
    root = make_beir(queries=QUERIES + [{"_id": "q1", "text": "again"}])
    check_error(load_error(root), "queries.jsonl", 3, "duplicate query id 'q1'", "first on line 1")


def test_empty_document_refused_when_on_empty_is_error(make_beir):
    root = make_beir(corpus=DOCS[:2] + [{"_id": "d3", "title": " ", "text": " \n\t "}])
    error = load_error(root, on_empty="error")
    check_error(error, "corpus.jsonl", 3, "empty document 'd3': no title and no text", 'on_empty = "skip"')


def test_whitespace_only_query_text(make_beir):
    root = make_beir(queries=[QUERIES[0], {"_id": "q2", "text": " \t"}])
    check_error(load_error(root), "queries.jsonl", 2, "empty `text` (whitespace only)")


def test_metadata_that_is_not_an_object(make_beir):
    root = make_beir(queries=[{"_id": "q1", "text": "a", "metadata": "test"}])
    check_error(load_error(root), "queries.jsonl", 1, "`metadata` must be a JSON object")


def test_qrels_unknown_document(make_beir):
    root = make_beir(qrels={"test": [("q1", "d1", 1), ("q1", "d9", 1)]})
    check_error(load_error(root), "test.tsv", 3, "unknown document id 'd9'")


def test_qrels_unknown_query(make_beir):
    root = make_beir(qrels={"train": [("q2", "d2", 1), ("q2", "d1", 0), ("q7", "d1", 1)]})
    check_error(load_error(root), "train.tsv", 4, "unknown query id 'q7'")


def test_qrels_wrong_column_count(make_beir):
    root = make_beir(qrels={"test": tsv([("q1", "d1", 1)]) + "q1\td2\n"})
    check_error(load_error(root), "test.tsv", 3, "expected 3 tab-separated columns", "found 2 tab-separated columns: 'q1\\td2'")


def test_qrels_score_that_is_not_an_integer(make_beir):
    root = make_beir(qrels={"test": [("q1", "d1", "1.5")]})
    check_error(load_error(root), "test.tsv", 2, "score must be an integer, got '1.5'")


def test_qrels_missing_header(make_beir):
    root = make_beir(qrels={"test": "q1\td1\t1\n"})
    check_error(load_error(root), "test.tsv", 1, "missing header line: expected `query-id<TAB>corpus-id<TAB>score`")


def test_qrels_header_separated_by_spaces_says_so(make_beir):
    root = make_beir(qrels={"test": "query-id corpus-id score\nq1 d1 1\n"})
    check_error(
        load_error(root), "test.tsv", 1,
        "expected the header line `query-id<TAB>corpus-id<TAB>score`, "
        "found 3 columns separated by spaces, not tabs: 'query-id corpus-id score'",
    )


def test_qrels_rows_separated_by_spaces_say_so(make_beir):
    root = make_beir(qrels={"test": tsv([("q1", "d1", 1)]) + "q1 d3  0\n"})
    check_error(
        load_error(root), "test.tsv", 3,
        "expected 3 tab-separated columns `query-id<TAB>corpus-id<TAB>score`, "
        "found 3 columns separated by spaces, not tabs: 'q1 d3  0'",
    )


def test_trec_style_qrels_are_refused_with_how_to_convert(make_beir):
    root = make_beir(qrels={"test": tsv([]) + "q1 0 d1 1\n"})
    check_error(load_error(root), "test.tsv", 2, "found 4 columns separated by spaces", "columns 1, 3, 4 joined by tabs")


def test_qrels_header_with_other_names(make_beir):
    root = make_beir(qrels={"test": "qid\tdocid\trel\nq1\td1\t1\n"})
    check_error(load_error(root), "test.tsv", 1, "expected the header line", "found 3 tab-separated columns: 'qid\\tdocid\\trel'")


def test_empty_qrels_file(make_beir):
    root = make_beir(qrels={"test": "\n\n"})
    check_error(load_error(root), "test.tsv", 1, "empty qrels file")


def test_qrels_contradicting_scores_name_both_places(make_beir):
    root = make_beir(qrels={"all": [("q1", "d1", 1)], "test": [("q1", "d3", 0), ("q1", "d1", 2)]})
    check_error(load_error(root), "test.tsv", 3, "contradicts score 1 in all.tsv line 2")


def test_query_judged_in_two_split_files_without_metadata_split(make_beir):
    queries = [{"_id": "q1", "text": "a"}]
    root = make_beir(queries=queries, qrels={"test": [("q1", "d1", 1)], "train": [("q1", "d2", 1)]})
    check_error(load_error(root), "train.tsv", 2, "'q1'", "test.tsv (line 2)", "train.tsv", "metadata 'split'")


def test_non_utf8_bytes_give_line_and_byte_offset(make_beir):
    first = jsonl(DOCS[:1]).encode()
    root = make_beir(corpus=first + b'{"_id": "d2", "text": "caf\xe9"}\n')
    error = load_error(root)
    check_error(error, "corpus.jsonl", 2, "not valid UTF-8", "byte 0xe9", f"byte offset {len(first) + 26}")
    assert "byte 27 of the line" in str(error)


def test_non_utf8_bytes_in_qrels(make_beir):
    root = make_beir(qrels={"test": tsv([("q1", "d1", 1)]).encode() + b"q1\td\xff\t1\n"})
    check_error(load_error(root), "test.tsv", 3, "not valid UTF-8", "byte 0xff")


def test_empty_corpus(make_beir):
    root = make_beir(corpus="\n\n", queries=None, qrels=None)
    check_error(load_error(root), "corpus.jsonl", None, "empty corpus: no documents")


def test_corpus_jsonl_missing(make_beir):
    root = make_beir(corpus=None)
    check_error(load_error(root), "corpus.jsonl", None, "corpus.jsonl missing")
    check_error(load_error(root, format="beir"), "corpus.jsonl", None, "corpus.jsonl missing")


def test_answers_for_unknown_query(make_beir):
    root = make_beir(answers=[{"query_id": "q1", "answers": ["cats"]}, {"query_id": "q9", "answers": ["x"]}])
    check_error(load_error(root), "answers.jsonl", 2, "unknown query id 'q9'")


def test_answers_that_are_not_strings_name_the_shape_and_the_option(make_beir):
    root = make_beir(answers=[{"query_id": "q1", "answers": [1, 2]}])
    check_error(
        load_error(root), "answers.jsonl", 1,
        'expected {"query_id": ..., "answers": ["gold answer", ...]}', "but `answers` is a list with a non-string item",
        "set [corpus] answers_field",
    )


def test_invalid_card_toml(make_beir):
    root = make_beir(card='name = "acme"\nsplit_field = \n')
    check_error(load_error(root), "card.toml", 2, "invalid TOML")


def test_card_value_that_is_not_a_string(make_beir):
    root = make_beir(card="split_field = 3\n")
    check_error(load_error(root), "card.toml", None, "`split_field` must be a non-empty string")


def test_jsonl_document_without_any_id_key(tmp_path: Path):
    path = tmp_path / "docs.jsonl"
    path.write_text(jsonl([{"id": "a", "text": "x"}, {"text": "y"}]), encoding="utf-8")
    check_error(load_error(path), "docs.jsonl", 2, "missing `_id` or `id` or `doc_id`")


def test_folder_empty_file_when_on_empty_is_error(tmp_path: Path):
    (tmp_path / "a.md").write_text("# A\nbody\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("  \n", encoding="utf-8")
    check_error(load_error(tmp_path, on_empty="error"), "b.txt", 1, "empty text (whitespace only)", 'on_empty = "skip"')


def test_folder_non_utf8_file(tmp_path: Path):
    (tmp_path / "a.txt").write_bytes(b"line one\nline two\nbad \x80 here\n")
    check_error(load_error(tmp_path), "a.txt", 3, "not valid UTF-8", "byte offset 22", "byte 5 of the line")


def test_folder_two_files_with_one_id(tmp_path: Path):
    (tmp_path / "a.md").write_text("one", encoding="utf-8")
    (tmp_path / "a.txt").write_text("two", encoding="utf-8")
    error = load_error(tmp_path)
    check_error(error, "a.txt", None, "document id 'a'")
    assert "a.md" in str(error)


def test_folder_without_text_files(tmp_path: Path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    check_error(load_error(tmp_path), tmp_path.name, None, "no corpus.jsonl and no .txt/.md files")
    check_error(load_error(tmp_path, format="folder"), tmp_path.name, None, "empty corpus")


def test_missing_path(tmp_path: Path):
    check_error(load_error(tmp_path / "nope"), "nope", None, "does not exist")


def test_file_of_unknown_format(tmp_path: Path):
    path = tmp_path / "docs.csv"
    path.write_text("a,b\n", encoding="utf-8")
    check_error(load_error(path), "docs.csv", None, "cannot tell the corpus format", "format=")


def test_format_that_does_not_fit_the_path(make_beir):
    root = make_beir()
    check_error(load_error(root, format="jsonl"), "kb", None, "needs a .jsonl file")
    check_error(load_error(root / "corpus.jsonl", format="beir"), "corpus.jsonl", None, "needs a folder")


def test_unknown_format_lists_the_valid_ones(make_beir):
    with pytest.raises(ConfigError, match="valid formats: auto, beir, folder, jsonl"):
        load_corpus(make_beir(), format="csv")  # type: ignore[arg-type]
