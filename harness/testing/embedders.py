"""Deterministic embedders for tests: a keyword bag-of-words space and a call-counting wrapper."""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

import numpy as np

from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import Embedder

_WORD = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens, the unit of the keyword space."""
    return _WORD.findall(text.lower())


class KeywordEmbedder:
    """One dimension per vocabulary word (its count in the text) plus a final "unknown" dimension.

    A text containing no vocabulary word gets the unit vector on the unknown dimension, so cosine
    similarity is always defined. Prompts are prepended to the text before tokenising.
    """

    def __init__(
        self,
        vocabulary: Sequence[str],
        *,
        query_prompt: str = "",
        document_prompt: str = "",
        normalize: bool = True,
    ) -> None:
        words = [w.lower() for w in vocabulary]
        if not words:
            raise ConfigError("KeywordEmbedder needs a non-empty vocabulary")
        if len(set(words)) != len(words):
            raise ConfigError(f"KeywordEmbedder vocabulary has duplicates: {sorted(words)}")
        if any(tokenize(w) != [w] for w in words):
            raise ConfigError(f"KeywordEmbedder vocabulary entries must be single words: {words}")
        self.vocabulary = tuple(words)
        self.query_prompt = query_prompt
        self.document_prompt = document_prompt
        self.normalize = normalize
        self._index = {w: i for i, w in enumerate(words)}

    @property
    def dimension(self) -> int:
        return len(self.vocabulary) + 1

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self.query_prompt)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self.document_prompt)

    def fingerprint(self) -> str:
        return stable_hash({"embedder": "keyword", **self._settings()})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "testing.keyword", "dimension": self.dimension, "fingerprint": self.fingerprint(), **self._settings()}

    def _settings(self) -> dict[str, Any]:
        return {
            "vocabulary": list(self.vocabulary),
            "query_prompt": self.query_prompt,
            "document_prompt": self.document_prompt,
            "normalize": self.normalize,
        }

    def _embed(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(prompt + text):
                if token in self._index:
                    out[row, self._index[token]] += 1.0
            if not out[row].any():
                out[row, -1] = 1.0
        if self.normalize:
            out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


class CountingEmbedder:
    """Wraps an embedder and records every text it is asked to embed (to prove caching works)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    @property
    def embedded(self) -> int:
        """How many texts reached the inner embedder so far."""
        return sum(len(texts) for _, texts in self.calls)

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(("q", tuple(texts)))
        return self.inner.embed_queries(texts)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(("d", tuple(texts)))
        return self.inner.embed_documents(texts)

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def describe(self) -> Mapping[str, Any]:
        return self.inner.describe()
