"""A folder of .txt/.md files (recursive) as documents; no queries, no judgements."""

from __future__ import annotations

import re
from pathlib import Path

from ragshift.harness.corpus._io import decode
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.corpus.records import EMPTY_HINT, OnEmpty
from ragshift.harness.errors import CorpusError
from ragshift.harness.types import Document

SUFFIXES = frozenset({".txt", ".md"})
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def text_files(root: Path) -> list[Path]:
    """The .txt/.md files under ``root``, sorted, skipping hidden files and folders."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix.lower() in SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def load_folder(root: Path, *, name: str | None = None, on_empty: OnEmpty = "skip") -> Corpus:
    """doc_id is the relative path without suffix; title the first markdown heading, else the stem.

    A blank file is skipped (``on_empty="skip"``) or refused (``"error"``).
    """
    documents: dict[str, Document] = {}
    skipped: list[str] = []
    origin: dict[str, Path] = {}
    for path in text_files(root):
        relative = path.relative_to(root)
        doc_id = relative.with_suffix("").as_posix()
        if doc_id in origin:
            raise CorpusError(path, f"document id {doc_id!r} is also the id of {origin[doc_id]}")
        origin[doc_id] = path
        text = decode(path, path.read_bytes())
        if not text.strip():
            if on_empty == "error":
                raise CorpusError(path, f"empty text (whitespace only); {EMPTY_HINT}", 1)
            skipped.append(doc_id)
            continue
        heading = _HEADING.search(text)
        documents[doc_id] = Document(
            doc_id=doc_id,
            text=text,
            title=heading.group(1) if heading else path.stem,
            meta={"path": relative.as_posix()},
        )
    if not documents:
        detail = f"all {len(skipped)} .txt/.md files are blank" if skipped else "no .txt or .md files"
        raise CorpusError(root, f"empty corpus: {detail}")
    return Corpus(name=name or root.resolve().name, documents=documents, source=str(root), skipped_empty=tuple(skipped))
