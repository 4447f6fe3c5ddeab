"""Tiny deterministic fakes of the fine-tuning tests: a word-overlap teacher and a doc2query generator."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ragshift.harness.fingerprint import stable_hash

_WORD = re.compile(r"\w+")


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


class OverlapTeacher:
    """CrossScorer shape: score = 4 * (share of the query's words found in the passage) - 2 (a logit)."""

    def __init__(self) -> None:
        self.calls = 0

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.calls += 1
        return np.array([4.0 * len(words(q) & words(p)) / max(1, len(words(q))) - 2.0 for q, p in pairs])

    def fingerprint(self) -> str:
        return stable_hash({"fake": "overlap-teacher"})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "overlap-teacher"}


class Doc2QueryGenerator:
    """Generator shape: "what about W1 W2 W3" from the last three words of the passage in the prompt."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.prompts: list[str] = []
        self.delay = delay

    def generate(self, prompts: Sequence[Sequence[Mapping[str, str]]]) -> list[str]:
        import time

        out = []
        for messages in prompts:
            user = messages[-1]["content"]
            self.prompts.append(user)
            passage = user.rsplit("\n\n", 1)[0]
            time.sleep(self.delay)
            out.append("1. what about " + " ".join(_WORD.findall(passage)[-3:]) + "?\nsecond line ignored here")
        return out

    def fingerprint(self) -> str:
        return stable_hash({"fake": "doc2query"})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "doc2query-fake"}
