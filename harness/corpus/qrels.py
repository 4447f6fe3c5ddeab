"""BEIR qrels files: ``query-id<TAB>corpus-id<TAB>score`` with a header, graded integer scores."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterator

from harness.corpus._io import iter_lines
from harness.errors import CorpusError

HEADER = ("query-id", "corpus-id", "score")


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
    if header is None or tuple(c.strip() for c in header[1].split("\t")) != HEADER:
        raise CorpusError(
            path,
            "missing header line 'query-id\\tcorpus-id\\tscore'",
            header[0] if header else 1,
        )
    for line, text in lines:
        if not text.strip():
            continue
        cols = [c.strip() for c in text.split("\t")]
        if len(cols) != 3:
            raise CorpusError(path, f"expected 3 tab-separated columns, got {len(cols)}", line)
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
