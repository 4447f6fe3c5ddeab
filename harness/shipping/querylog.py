"""Read a log of real, unlabeled queries: ``.txt`` (one per line) or ``.jsonl`` (one object per line).

A ``.txt`` log skips blank lines; each query's id is ``line-<n>`` (its line number). A ``.jsonl`` log
takes the text from ``"text"`` or ``"query"``, the id from ``"id"`` or ``"qid"`` (else ``line-<n>``),
``"query_type"`` when present, and keeps every other field as the query's ``meta``. Objects whose
text is blank are skipped like blank lines. Every problem is a ``CorpusError`` naming file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ragshift.harness.corpus._io import iter_json_objects, iter_lines
from ragshift.harness.errors import ConfigError, CorpusError
from ragshift.harness.types import Query

TEXT_KEYS = ("text", "query")
ID_KEYS = ("id", "qid")
SUFFIXES = (".txt", ".jsonl")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class QueryLog:
    """The queries replayed, in log order, and what was left out on the way."""

    path: Path
    queries: tuple[Query, ...]
    lines: int = 0
    """Queries read from the file (blank ones not counted)."""
    duplicates: int = 0
    """Repeats of an earlier query dropped by ``dedupe`` (each kept query has ``meta["occurrences"]``)."""
    truncated: int = 0
    """Queries left out by ``limit``."""
    skipped_blank: int = 0

    def __len__(self) -> int:
        return len(self.queries)

    def __iter__(self) -> Iterator[Query]:
        return iter(self.queries)

    def describe(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "read": self.lines,
            "replayed": len(self.queries),
            "duplicates_dropped": self.duplicates,
            "left_out_by_limit": self.truncated,
            "blank_skipped": self.skipped_blank,
        }


def normalize(text: str) -> str:
    """The form two queries must share to count as the same query: case-folded, single spaces."""
    return _SPACE.sub(" ", text).strip().casefold()


def load_query_log(path: str | Path, *, limit: int | None = None, dedupe: bool = False) -> QueryLog:
    """Queries of a ``.txt`` or ``.jsonl`` log, in order; ``dedupe`` keeps the first of repeated texts
    (compared case-folded, whitespace collapsed) and counts repeats in ``meta["occurrences"]``;
    ``limit`` keeps the first ``limit`` queries after deduplication."""
    path = Path(path)
    if limit is not None and limit < 1:
        raise ConfigError(f"limit must be at least 1, got {limit}")
    if path.suffix.lower() not in SUFFIXES:
        raise CorpusError(path, f"unknown query log format {path.suffix or '(no extension)'!r}; use one of: {', '.join(SUFFIXES)}")
    if not path.is_file():
        raise CorpusError(path, "query log not found" if not path.exists() else "not a file")
    blank = 0
    read: list[Query] = []
    seen_ids: dict[str, int] = {}
    records = _read_txt(path) if path.suffix.lower() == ".txt" else _read_jsonl(path)
    for lineno, query in records:
        if query is None:
            blank += 1
            continue
        if query.qid in seen_ids:
            raise CorpusError(path, f"query id {query.qid!r} already used on line {seen_ids[query.qid]}", lineno)
        seen_ids[query.qid] = lineno
        read.append(query)
    if not read:
        raise CorpusError(path, "no queries in the log (every line is blank)")
    kept, duplicates = _dedupe(read) if dedupe else (read, 0)
    truncated = max(0, len(kept) - limit) if limit is not None else 0
    kept = kept[:limit] if limit is not None else kept
    return QueryLog(path, tuple(kept), len(read), duplicates, truncated, blank)


def _read_txt(path: Path) -> Iterator[tuple[int, Query | None]]:
    for lineno, text in iter_lines(path):
        text = text.strip()
        yield lineno, (Query(f"line-{lineno}", text) if text else None)


def _read_jsonl(path: Path) -> Iterator[tuple[int, Query | None]]:
    for lineno, obj in iter_json_objects(path):
        text_key = next((k for k in TEXT_KEYS if k in obj), None)
        if text_key is None:
            keys = ", ".join(sorted(obj)) or "none"
            raise CorpusError(path, f'no query text: expected a "text" or "query" field; keys: {keys}', lineno)
        text = obj[text_key]
        if not isinstance(text, str):
            raise CorpusError(path, f'"{text_key}" must be a string, got {type(text).__name__}', lineno)
        if not text.strip():
            yield lineno, None
            continue
        qid = f"line-{lineno}"
        id_key = next((k for k in ID_KEYS if k in obj), None)
        if id_key is not None:
            value = obj[id_key]
            if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
                raise CorpusError(path, f'"{id_key}" must be a non-empty string or an integer, got {value!r}', lineno)
            qid = str(value).strip()
        query_type = obj.get("query_type")
        if query_type is not None and not isinstance(query_type, str):
            raise CorpusError(path, f'"query_type" must be a string, got {type(query_type).__name__}', lineno)
        meta = {k: v for k, v in obj.items() if k not in (text_key, id_key, "query_type")}
        yield lineno, Query(qid, text.strip(), query_type=query_type, meta=meta)


def _dedupe(queries: list[Query]) -> tuple[list[Query], int]:
    first: dict[str, Query] = {}
    counts: dict[str, int] = {}
    for q in queries:
        key = normalize(q.text)
        first.setdefault(key, q)
        counts[key] = counts.get(key, 0) + 1
    kept = [Query(q.qid, q.text, q.query_type, q.split, {**q.meta, "occurrences": counts[key]}) for key, q in first.items()]
    return kept, len(queries) - len(kept)
