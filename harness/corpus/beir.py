"""BEIR folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv, optional answers.jsonl and card.toml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Collection

from harness.corpus._io import iter_json_objects
from harness.corpus.card import read_card
from harness.corpus.model import Corpus
from harness.corpus.qrels import Judgement, read_qrels
from harness.corpus.records import optional_object, read_documents, record_id, record_text
from harness.errors import CorpusError
from harness.types import Query

DEFAULT_SPLIT_FIELD = "split"
DEFAULT_QUERY_TYPE_FIELD = "query_type"


def load_beir(
    root: Path,
    *,
    split_field: str | None = None,
    query_type_field: str | None = None,
    name: str | None = None,
) -> Corpus:
    """Load a BEIR folder. Arguments win over ``card.toml``, which wins over the defaults.

    A query's split is ``metadata[split_field]`` when present, else the stem of the one qrels
    file that judges it; its type is ``metadata[query_type_field]`` when present.
    """
    corpus_path = root / "corpus.jsonl"
    if not corpus_path.is_file():
        raise CorpusError(corpus_path, "corpus.jsonl missing: a BEIR corpus folder needs one")
    card = read_card(root / "card.toml")
    split_field = split_field or card.split_field or DEFAULT_SPLIT_FIELD
    query_type_field = query_type_field or card.query_type_field or DEFAULT_QUERY_TYPE_FIELD

    documents = read_documents(corpus_path)
    queries_path = root / "queries.jsonl"
    queries = _read_queries(queries_path, split_field, query_type_field) if queries_path.is_file() else {}
    qrels, judged_in = _merge_qrels(sorted((root / "qrels").glob("*.tsv")), queries, documents, split_field)
    queries = {
        qid: replace(q, split=judged_in[qid].path.stem) if q.split is None and qid in judged_in else q
        for qid, q in queries.items()
    }
    answers_path = root / "answers.jsonl"
    answers = _read_answers(answers_path, queries) if answers_path.is_file() else {}
    return Corpus(
        name=name or card.name or root.resolve().name,
        documents=documents,
        queries=queries,
        qrels=qrels,
        answers=answers,
        source=str(root),
    )


def _read_queries(path: Path, split_field: str, query_type_field: str) -> dict[str, Query]:
    queries: dict[str, Query] = {}
    first_line: dict[str, int] = {}
    for line, obj in iter_json_objects(path):
        qid = record_id(path, line, obj, ("_id",))
        if qid in first_line:
            raise CorpusError(path, f"duplicate query id {qid!r} (first on line {first_line[qid]})", line)
        first_line[qid] = line
        meta = optional_object(path, line, obj)
        queries[qid] = Query(
            qid=qid,
            text=record_text(path, line, obj),
            query_type=_scalar(meta.get(query_type_field)),
            split=_scalar(meta.get(split_field)),
            meta=meta,
        )
    return queries


def _scalar(value: Any) -> str | None:
    return None if value is None else str(value)


def _merge_qrels(
    files: list[Path], queries: dict[str, Query], doc_ids: Collection[str], split_field: str
) -> tuple[dict[str, dict[str, int]], dict[str, Judgement]]:
    """All judgements of all files, and where each query was first judged.

    The same (query, document) pair may repeat only with the same score; a query without a
    metadata split may be judged in one file only, since that file's name is its split.
    """
    qrels: dict[str, dict[str, int]] = {}
    seen: dict[tuple[str, str], Judgement] = {}
    judged_in: dict[str, Judgement] = {}
    for path in files:
        for row in read_qrels(path, queries, doc_ids):
            first = judged_in.setdefault(row.qid, row)
            if first.path != row.path and queries[row.qid].split is None:
                raise CorpusError(
                    path,
                    f"query {row.qid!r} is judged in both {first.path.name} (line {first.line}) and "
                    f"{path.name}, and has no metadata {split_field!r} to say which split it belongs to",
                    row.line,
                )
            earlier = seen.setdefault((row.qid, row.doc_id), row)
            if earlier.score != row.score:
                raise CorpusError(
                    path,
                    f"score {row.score} for query {row.qid!r} / document {row.doc_id!r} contradicts score "
                    f"{earlier.score} in {earlier.path.name} line {earlier.line}",
                    row.line,
                )
            qrels.setdefault(row.qid, {})[row.doc_id] = row.score
    return qrels, judged_in


def _read_answers(path: Path, queries: Collection[str]) -> dict[str, tuple[str, ...]]:
    """``{"query_id": ..., "answers": [str, ...]}`` per line; extra keys are allowed."""
    answers: dict[str, tuple[str, ...]] = {}
    first_line: dict[str, int] = {}
    for line, obj in iter_json_objects(path):
        qid = record_id(path, line, obj, ("query_id",))
        if qid not in queries:
            raise CorpusError(path, f"unknown query id {qid!r} (not in queries.jsonl)", line)
        if qid in first_line:
            raise CorpusError(path, f"duplicate answers for query {qid!r} (first on line {first_line[qid]})", line)
        first_line[qid] = line
        values = obj.get("answers")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise CorpusError(path, "`answers` must be a list of strings", line)
        answers[qid] = tuple(values)
    return answers
