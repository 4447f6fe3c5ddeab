"""``TokenOverlapScorer``: a deterministic CrossScorer — how many of the query's words the passage holds."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.testing.embedders import tokenize


class TokenOverlapScorer:
    """Score = distinct query words found in the passage + 1 / (1 + passage length in words).

    The small second term prefers the shorter of two passages with equal overlap, so scores rarely
    tie. ``calls`` records how many pairs each ``score`` call received.
    """

    def __init__(self, *, stopwords: Sequence[str] = ()) -> None:
        self.stopwords = tuple(sorted({w.lower() for w in stopwords}))
        self.calls: list[int] = []

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        self.calls.append(len(pairs))
        ignored = set(self.stopwords)
        out = []
        for query, passage in pairs:
            words = tokenize(passage)
            wanted = set(tokenize(query)) - ignored
            out.append(float(len(wanted & set(words))) + 1.0 / (1 + len(words)))
        return out

    def fingerprint(self) -> str:
        return stable_hash({"cross_scorer": "token-overlap", "stopwords": list(self.stopwords)})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "token-overlap", "stopwords": list(self.stopwords), "fingerprint": self.fingerprint()}
