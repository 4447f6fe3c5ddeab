"""BEIR qrels files: ``query-id<TAB>corpus-id<TAB>score`` with a header, graded integer scores."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterator

from ragshift.harness.corpus._io import iter_lines
from ragshift.harness.errors import CorpusError

HEADER = ("query-id", "corpus-id", "score")
SHAPE = "`query-id<TAB>corpus-id<TAB>score`"


@dataclass(frozen=True)
class Judgement:
    """One qrels row and where it came from."""

    qid: str
    doc_id: str
    score: int
    path: Path
    line: int


def read_qrels(path: Path, query_ids: Collection[str], doc_ids: Collection[str]) -> Iterator[Judgement]:
    """Rows of one qrels file, checked against the known queries and documents.

    Every integer score is kept: 0 and negatives are judged-nonrelevant, not dropped.
    """
    lines = iter_lines(path)
    header = next(((n, t) for n, t in lines if t.strip()), None)
    if header is None:
        raise CorpusError(path, f"empty qrels file: expected the header line {SHAPE}", 1)
    cols = _columns(header[1])
    if cols != list(HEADER):
        data = len(cols) == 3 and cols[2].lstrip("-").isdigit()
        problem = "missing header line: expected" if data else "expected the header line"
        raise CorpusError(path, f"{problem} {SHAPE}, found {_found(header[1])}", header[0])
    for line, text in lines:
        if not text.strip():
            continue
        cols = _columns(text)
        if len(cols) != 3:
            raise CorpusError(path, f"expected 3 tab-separated columns {SHAPE}, found {_found(text)}", line)
        qid, doc_id, raw_score = cols
        try:
            score = int(raw_score)
        except ValueError:
            raise CorpusError(path, f"score must be an integer, got {raw_score!r}", line) from None
        if qid not in query_ids:
            raise CorpusError(path, f"unknown query id {qid!r} (not in queries.jsonl)", line)
        if doc_id not in doc_ids:
            raise CorpusError(path, f"unknown document id {doc_id!r} (not in corpus.jsonl)", line)
        yield Judgement(qid, doc_id, score, path, line)


def _columns(text: str) -> list[str]:
    return [c.strip() for c in text.split("\t")]


def _found(text: str, shown: int = 60) -> str:
    """What a bad line holds: its separators and columns, quoted (cut after ``shown`` characters)."""
    quoted = repr(text if len(text) <= shown else text[:shown] + "…")
    tabs = len(_columns(text))
    words = len(text.split())
    if tabs == 1 and words > 1:
        trec = "; TREC qrels `query-id 0 doc-id score` need columns 1, 3, 4 joined by tabs" if words == 4 else ""
        return f"{words} columns separated by spaces, not tabs: {quoted}{trec}"
    if tabs > 1 and tabs != words:
        return f"{tabs} tab-separated columns (some cells hold spaces): {quoted}"
    return f"{tabs} tab-separated column{'s' if tabs > 1 else ''}: {quoted}"
