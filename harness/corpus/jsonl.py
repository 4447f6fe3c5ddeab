"""A JSONL file of documents: ``_id``/``id``/``doc_id``, ``text``, optional ``title`` and ``metadata``."""

from __future__ import annotations

from pathlib import Path

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.corpus.records import OnEmpty, read_documents

ID_KEYS = ("_id", "id", "doc_id")


def load_jsonl(path: Path, *, name: str | None = None, on_empty: OnEmpty = "skip") -> Corpus:
    """Documents only; the corpus is named after the file unless ``name`` is given."""
    documents, skipped = read_documents(path, ID_KEYS, on_empty=on_empty)
    return Corpus(name=name or path.stem, documents=documents, source=str(path), skipped_empty=skipped)
