"""BEIR folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv, optional answers.jsonl and card.toml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Collection

from ragshift.harness.corpus._io import iter_json_objects
from ragshift.harness.corpus.card import read_card
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.corpus.qrels import Judgement, read_qrels
from ragshift.harness.corpus.records import OnEmpty, optional_object, read_documents, record_id, record_text
from ragshift.harness.errors import CorpusError
from ragshift.harness.types import Query

DEFAULT_SPLIT_FIELD = "split"
DEFAULT_QUERY_TYPE_FIELD = "query_type"
DEFAULT_ANSWERS_FIELD = "answers"
ANSWER_ID_KEYS = ("query_id", "_id", "id")


def load_beir(
    root: Path,
    *,
    split_field: str | None = None,
    query_type_field: str | None = None,
    name: str | None = None,
    on_empty: OnEmpty = "skip",
    answers: bool = True,
    answers_field: str | None = None,
) -> Corpus:
    """Load a BEIR folder. Arguments win over ``card.toml``, which wins over the defaults.

    A query's split is ``metadata[split_field]`` when present, else the stem of the one qrels
    file that judges it; its type is ``metadata[query_type_field]`` when present. Documents with
    neither title nor text are skipped (``on_empty="skip"``, their qrels kept) or refused (``"error"``).
    answers.jsonl is read only when ``answers``; the gold answers are its ``answers_field`` values.
    """
    corpus_path = root / "corpus.jsonl"
    if not corpus_path.is_file():
        raise CorpusError(corpus_path, "corpus.jsonl missing: a BEIR corpus folder needs one")
    card = read_card(root / "card.toml")
    split_field = split_field or card.split_field or DEFAULT_SPLIT_FIELD
    query_type_field = query_type_field or card.query_type_field or DEFAULT_QUERY_TYPE_FIELD

    documents, skipped = read_documents(corpus_path, on_empty=on_empty)
    queries_path = root / "queries.jsonl"
    queries = _read_queries(queries_path, split_field, query_type_field) if queries_path.is_file() else {}
    judgeable = documents.keys() | set(skipped)  # qrels to skipped documents stay: relevant, never retrieved
    qrels, judged_in = _merge_qrels(sorted((root / "qrels").glob("*.tsv")), queries, judgeable, split_field)
    queries = {
        qid: replace(q, split=judged_in[qid].path.stem) if q.split is None and qid in judged_in else q
        for qid, q in queries.items()
    }
    answers_path = root / "answers.jsonl"
    field = answers_field or card.answers_field or DEFAULT_ANSWERS_FIELD
    gold = _read_answers(answers_path, queries, field) if answers and answers_path.is_file() else {}
    return Corpus(
        name=name or card.name or root.resolve().name,
        documents=documents,
        queries=queries,
        qrels=qrels,
        answers=gold,
        source=str(root),
        skipped_empty=skipped,
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


def _read_answers(path: Path, queries: Collection[str], field: str) -> dict[str, tuple[str, ...]]:
    """``{"query_id": ..., "<field>": [str, ...] or str}`` per line; extra keys are allowed."""
    answers: dict[str, tuple[str, ...]] = {}
    first_line: dict[str, int] = {}
    for line, obj in iter_json_objects(path):
        qid = record_id(path, line, obj, ANSWER_ID_KEYS)
        if qid not in queries:
            raise CorpusError(path, f"unknown query id {qid!r} (not in queries.jsonl)", line)
        if qid in first_line:
            raise CorpusError(path, f"duplicate answers for query {qid!r} (first on line {first_line[qid]})", line)
        first_line[qid] = line
        values = obj.get(field)
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise CorpusError(path, _answers_shape_error(obj, field), line)
        answers[qid] = tuple(values)
    return answers


def _answers_shape_error(obj: dict[str, Any], field: str) -> str:
    """What was expected, what the line holds, and the option that names another field."""
    expected = f'expected {{"query_id": ..., "{field}": ["gold answer", ...]}} (a list of strings or one string)'
    if field in obj:
        found = f"`{field}` is {_kind(obj[field])}"
    else:
        found = f"no `{field}` here (keys: {', '.join(sorted(obj))})"
    fits = [k for k, v in obj.items() if k not in ANSWER_ID_KEYS and k != field and _is_answer(v)]
    hint = ", e.g. answers_field = " + " or ".join(f'"{k}"' for k in fits) if fits else ""
    return f"{expected}, but {found}; set [corpus] answers_field to the field of the gold answers{hint}"


def _is_answer(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value))


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list with a non-string item", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
