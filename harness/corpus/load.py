"""``load_corpus``: one entry point that picks the loader from the path or an explicit format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from ragshift.harness.corpus.beir import load_beir
from ragshift.harness.corpus.folder import load_folder, text_files
from ragshift.harness.corpus.jsonl import load_jsonl
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.corpus.records import OnEmpty
from ragshift.harness.errors import ConfigError, CorpusError

if TYPE_CHECKING:
    from ragshift.harness.config import CorpusSection

Format = Literal["auto", "beir", "folder", "jsonl"]
FORMATS: tuple[str, ...] = get_args(Format)


def load_corpus(
    path: str | Path,
    *,
    format: Format = "auto",
    split_field: str | None = None,
    query_type_field: str | None = None,
    name: str | None = None,
    on_empty: OnEmpty = "skip",
    answers: bool = True,
    answers_field: str | None = None,
) -> Corpus:
    """Load and validate a corpus; raises :class:`CorpusError` naming file, line and problem.

    ``auto``: a folder with corpus.jsonl (or queries.jsonl / qrels/) is BEIR, a folder of
    .txt/.md files is a folder corpus, a ``.jsonl`` file is a JSONL of documents.
    ``split_field`` / ``query_type_field`` / ``answers_field`` default to card.toml's values, else
    "split" / "query_type" / "answers". Documents with neither title nor text are skipped and listed
    in ``Corpus.skipped_empty`` (``on_empty="skip"``) or refused (``"error"``). A BEIR answers.jsonl
    is read only when ``answers``. Loading only reads: nothing is written.
    """
    if format not in FORMATS:
        raise ConfigError(f"unknown corpus format {format!r}; valid formats: {', '.join(FORMATS)}")
    path = Path(path)
    if not path.exists():
        raise CorpusError(path, "does not exist")
    chosen = _detect(path) if format == "auto" else format
    if chosen == "jsonl":
        if not path.is_file():
            raise CorpusError(path, "format 'jsonl' needs a .jsonl file, got a folder")
        return load_jsonl(path, name=name, on_empty=on_empty)
    if not path.is_dir():
        raise CorpusError(path, f"format {chosen!r} needs a folder, got a file")
    if chosen == "folder":
        return load_folder(path, name=name, on_empty=on_empty)
    return load_beir(
        path, split_field=split_field, query_type_field=query_type_field, name=name,
        on_empty=on_empty, answers=answers, answers_field=answers_field,
    )


def load_section(section: CorpusSection, *, answers: bool = False) -> Corpus:
    """The corpus a config's ``[corpus]`` (or ``[[datasets]]``) section names, with its options.

    Gold answers are read only when ``answers`` (an evaluation that scores against them): any other
    command loads the corpus without looking at answers.jsonl.
    """
    return load_corpus(
        section.path, format=section.format, query_type_field=section.query_type_field,
        on_empty=section.on_empty, answers=answers, answers_field=section.answers_field,
    )


def _detect(path: Path) -> str:
    if path.is_file():
        if path.suffix.lower() == ".jsonl":
            return "jsonl"
        kind = path.suffix or "suffix-less"
        raise CorpusError(path, f"cannot tell the corpus format of a {kind} file; pass format= one of {', '.join(FORMATS[1:])}")
    if any((path / marker).exists() for marker in ("corpus.jsonl", "queries.jsonl", "qrels")):
        return "beir"
    if text_files(path):
        return "folder"
    raise CorpusError(path, "no corpus.jsonl and no .txt/.md files: not a corpus folder")
