"""A deterministic extractive Generator: answers with the context sentence closest to the question."""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.protocols import ChatMessages

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def extractive_answer(prompt: str) -> str:
    """The sentence before the last ``Question:`` sharing most words with the question (first on ties)."""
    context, _, question = prompt.rpartition("Question:")
    context = context.split("Context:", 1)[-1]
    asked = words(question)
    candidates = sentences(context) or [context.strip()]
    return max(candidates, key=lambda s: len(words(s) & asked))


class ExtractiveGenerator:
    """Reads the last user message; no model, no randomness."""

    def generate(self, prompts: Sequence[ChatMessages]) -> list[str]:
        return [extractive_answer(str(p[-1]["content"])) for p in prompts]

    def fingerprint(self) -> str:
        return stable_hash({"generator": "extractive-fake", "version": 1})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "extractive-fake", "fingerprint": self.fingerprint()}
