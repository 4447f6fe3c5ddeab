"""A JSONL file of documents: ``_id``/``id``/``doc_id``, ``text``, optional ``title`` and ``metadata``."""

from __future__ import annotations

from pathlib import Path

from harness.corpus.model import Corpus
from harness.corpus.records import read_documents

ID_KEYS = ("_id", "id", "doc_id")


def load_jsonl(path: Path, *, name: str | None = None) -> Corpus:
    """Documents only; the corpus is named after the file unless ``name`` is given."""
    return Corpus(name=name or path.stem, documents=read_documents(path, ID_KEYS), source=str(path))
