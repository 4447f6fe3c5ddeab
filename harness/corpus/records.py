"""Validated fields of JSONL records, and the documents reader shared by the BEIR and JSONL loaders."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

from ragshift.harness.corpus._io import iter_json_objects
from ragshift.harness.errors import CorpusError
from ragshift.harness.types import Document

OnEmpty = Literal["skip", "error"]
"""What a loader does with a document that has neither title nor text."""
EMPTY_HINT = '[corpus] on_empty = "skip" skips such documents and keeps their qrels'


def record_id(path: Path, line: int, obj: Mapping[str, Any], keys: Sequence[str]) -> str:
    """The record's id from the first of ``keys`` present; a string or an integer, never empty."""
    key = next((k for k in keys if k in obj), None)
    if key is None:
        raise CorpusError(path, "missing " + " or ".join(f"`{k}`" for k in keys), line)
    value = obj[key]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise CorpusError(path, f"`{key}` must be a string, got {type(value).__name__}", line)
    if not value.strip():
        raise CorpusError(path, f"empty `{key}`", line)
    return value


def record_text(path: Path, line: int, obj: Mapping[str, Any], key: str = "text", *, blank_ok: bool = False) -> str:
    """A required string field, non-blank unless ``blank_ok``."""
    if key not in obj:
        raise CorpusError(path, f"missing `{key}`", line)
    value = obj[key]
    if not isinstance(value, str):
        raise CorpusError(path, f"`{key}` must be a string, got {type(value).__name__}", line)
    if not blank_ok and not value.strip():
        raise CorpusError(path, f"empty `{key}` (whitespace only)", line)
    return value


def optional_str(path: Path, line: int, obj: Mapping[str, Any], key: str) -> str:
    """An optional string field; absent or null reads as ``""``."""
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CorpusError(path, f"`{key}` must be a string, got {type(value).__name__}", line)
    return value


def optional_object(path: Path, line: int, obj: Mapping[str, Any], key: str = "metadata") -> dict[str, Any]:
    """An optional JSON-object field; absent or null reads as ``{}``."""
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CorpusError(path, f"`{key}` must be a JSON object, got {type(value).__name__}", line)
    return value


def read_documents(
    path: Path, id_keys: Sequence[str] = ("_id",), *, on_empty: OnEmpty = "skip"
) -> tuple[dict[str, Document], tuple[str, ...]]:
    """Documents of a JSONL file (``id``, ``text``, optional ``title`` and ``metadata``), and the ids of
    the empty ones (blank title and blank text) skipped under ``on_empty="skip"``.

    A blank text with a title is a document (its passage is the title). The kept documents are never
    none: a file of only empty documents is an error either way.
    """
    docs: dict[str, Document] = {}
    skipped: list[str] = []
    first_line: dict[str, int] = {}
    for line, obj in iter_json_objects(path):
        doc_id = record_id(path, line, obj, id_keys)
        if doc_id in first_line:
            raise CorpusError(path, f"duplicate document id {doc_id!r} (first on line {first_line[doc_id]})", line)
        first_line[doc_id] = line
        text = record_text(path, line, obj, blank_ok=True)
        title = optional_str(path, line, obj, "title")
        if not text.strip() and not title.strip():
            if on_empty == "error":
                raise CorpusError(path, f"empty document {doc_id!r}: no title and no text ({EMPTY_HINT})", line)
            skipped.append(doc_id)
            continue
        docs[doc_id] = Document(doc_id=doc_id, text=text, title=title, meta=optional_object(path, line, obj))
    if not docs:
        detail = f": all {len(skipped)} documents are empty (no title, no text)" if skipped else ": no documents"
        raise CorpusError(path, "empty corpus" + detail)
    return docs, tuple(skipped)
