"""``Dataset``: one evaluation set — a loaded corpus and the judged queries of the configured split."""

from __future__ import annotations

from dataclasses import dataclass

from ragshift.harness.config import CorpusSection
from ragshift.harness.corpus import Corpus, load_section
from ragshift.harness.errors import ConfigError
from ragshift.harness.types import Query


@dataclass
class Dataset:
    """One evaluation set: the loaded corpus and the judged queries of the configured split."""

    name: str
    corpus: Corpus
    queries: list[Query]
    split: str | None


def load_dataset(
    section: CorpusSection, name: str | None = None, *, answers: bool = False, require_queries: bool = True
) -> Dataset:
    """The corpus a ``[corpus]`` / ``[[datasets]]`` section names (gold answers only when ``answers``),
    with its judged queries of ``split``; none is a ``ConfigError`` naming the splits present, unless
    ``require_queries`` is False (commands that only embed need no labels)."""
    corpus = load_section(section, answers=answers)
    queries = corpus.select(section.split)
    if not queries and require_queries:
        raise ConfigError(
            f"{section.path}: no judged queries in split {section.split!r}; "
            f"splits present: {', '.join(corpus.splits()) or 'none'}"
        )
    return Dataset(name or corpus.name, corpus, queries, section.split)
