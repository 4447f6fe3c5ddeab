"""Corpus container and loaders (BEIR folder, folder of .txt/.md, JSONL of documents)."""

from ragshift.harness.corpus.load import load_corpus, load_section
from ragshift.harness.corpus.model import Corpus

__all__ = ["Corpus", "load_corpus", "load_section"]
