"""``Dataset``: one evaluation set — a loaded corpus and the judged queries of the configured split."""

from __future__ import annotations

from dataclasses import dataclass

from harness.config import CorpusSection
from harness.corpus import Corpus, load_corpus
from harness.errors import ConfigError
from harness.types import Query


@dataclass
class Dataset:
    """One evaluation set: the loaded corpus and the judged queries of the configured split."""

    name: str
    corpus: Corpus
    queries: list[Query]
    split: str | None


def load_dataset(section: CorpusSection, name: str | None = None) -> Dataset:
    """The corpus a ``[corpus]`` / ``[[datasets]]`` section names, with its judged queries of ``split``
    (``ConfigError`` naming the splits present when there are none)."""
    corpus = load_corpus(section.path, format=section.format, query_type_field=section.query_type_field)
    queries = corpus.select(section.split)
    if not queries:
        raise ConfigError(
            f"{section.path}: no judged queries in split {section.split!r}; "
            f"splits present: {', '.join(corpus.splits()) or 'none'}"
        )
    return Dataset(name or corpus.name, corpus, queries, section.split)
