"""Shared bits of the corpus tests: tiny BEIR rows, writers, and a check for CorpusError messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from ragshift.harness.errors import CorpusError

DOCS = [
    {"_id": "d1", "title": "Cats", "text": "Cats purr.", "metadata": {"lang": "en"}},
    {"_id": "d2", "title": "Dogs", "text": "Dogs bark."},
    {"_id": "d3", "text": "Birds sing."},
]
QUERIES = [
    {"_id": "q1", "text": "what purrs", "metadata": {"split": "test", "query_type": "what", "extra": [1, 2]}},
    {"_id": "q2", "text": "what barks", "metadata": {"split": "train"}},
]
QRELS = {"test": [("q1", "d1", 2), ("q1", "d3", 0)], "train": [("q2", "d2", 1), ("q2", "d1", -1)]}


def jsonl(rows: list[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def tsv(rows: list[tuple[Any, ...]]) -> str:
    return "query-id\tcorpus-id\tscore\n" + "".join("\t".join(map(str, r)) + "\n" for r in rows)


def check_error(exc: CorpusError, file_name: str, line: int | None, *fragments: str) -> None:
    """The message names the file, the line and the problem."""
    message = str(exc)
    assert Path(exc.path).name == file_name
    assert exc.line == line
    assert (f"{file_name}:{line}" if line is not None else file_name) in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
