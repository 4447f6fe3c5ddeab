"""The ``make_beir`` fixture: a tiny BEIR folder written into tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

import pytest
from corpus_fixtures import DOCS, QRELS, QUERIES, jsonl, tsv

Content = list | str | bytes | None


def _write(path: Path, content: Content, render: Callable[[list], str]) -> None:
    if content is None:
        return
    path.parent.mkdir(exist_ok=True)
    if isinstance(content, list):
        content = render(content)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.fixture
def make_beir(tmp_path: Path) -> Callable[..., Path]:
    """Write a BEIR folder: rows are rendered, str/bytes are written as they are, None leaves a file out."""

    def make(
        corpus: Content = DOCS,
        queries: Content = QUERIES,
        qrels: Mapping[str, Content] | None = QRELS,
        answers: Content = None,
        card: str | None = None,
    ) -> Path:
        root = tmp_path / "kb"
        root.mkdir()
        _write(root / "corpus.jsonl", corpus, jsonl)
        _write(root / "queries.jsonl", queries, jsonl)
        _write(root / "answers.jsonl", answers, jsonl)
        _write(root / "card.toml", card, str)
        for split, rows in (qrels or {}).items():
            _write(root / "qrels" / f"{split}.tsv", rows, tsv)
        return root

    return make
