"""A folder of .txt/.md files (recursive) as documents; no queries, no judgements."""

from __future__ import annotations

import re
from pathlib import Path

from harness.corpus._io import decode
from harness.corpus.model import Corpus
from harness.errors import CorpusError
from harness.types import Document

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


def load_folder(root: Path, *, name: str | None = None) -> Corpus:
    """doc_id is the relative path without suffix; title the first markdown heading, else the stem."""
    documents: dict[str, Document] = {}
    origin: dict[str, Path] = {}
    for path in text_files(root):
        relative = path.relative_to(root)
        doc_id = relative.with_suffix("").as_posix()
        if doc_id in origin:
            raise CorpusError(path, f"document id {doc_id!r} is also the id of {origin[doc_id]}")
        origin[doc_id] = path
        text = decode(path, path.read_bytes())
        if not text.strip():
            raise CorpusError(path, "empty text (whitespace only)", 1)
        heading = _HEADING.search(text)
        documents[doc_id] = Document(
            doc_id=doc_id,
            text=text,
            title=heading.group(1) if heading else path.stem,
            meta={"path": relative.as_posix()},
        )
    if not documents:
        raise CorpusError(root, "empty corpus: no .txt or .md files")
    return Corpus(name=name or root.resolve().name, documents=documents, source=str(root))
