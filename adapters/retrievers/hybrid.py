"""``HybridRetriever``: several retrieval systems (dense + BM25) fused into one ranking."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash
from ragshift.harness.fusion import Fusion
from ragshift.harness.protocols import RetrievalSystem
from ragshift.harness.types import Hit, Query


class HybridRetriever:
    """Each part retrieves ``depth`` documents; ``fusion`` merges the lists; the top ``k`` of the merged
    list are returned (at most the union of the parts' lists: set ``depth`` >= the depth a run asks for).
    ``depth`` does not follow ``k``, so a smaller ``k`` gives a prefix of a larger one."""

    def __init__(self, parts: Sequence[RetrievalSystem], *, fusion: Fusion | None = None, depth: int = 100) -> None:
        self.parts = tuple(parts)
        self.fusion = fusion or Fusion()
        if len(self.parts) < 2:
            raise ConfigError(f"a hybrid system fuses at least two systems, got {len(self.parts)}")
        if self.fusion.weights and len(self.fusion.weights) != len(self.parts):
            raise ConfigError(f"fusion has {len(self.fusion.weights)} weights for {len(self.parts)} systems")
        if depth < 1:
            raise ConfigError(f"hybrid depth must be >= 1, got {depth}")
        self.depth = depth

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]:
        if not queries:
            return {}
        runs = [part.retrieve(queries, k=self.depth) for part in self.parts]
        return {q.qid: self.fusion.fuse([run.get(q.qid, []) for run in runs])[:k] for q in queries}

    def fingerprint(self) -> str:
        return stable_hash(
            {
                "retriever": "hybrid",
                "parts": [part.fingerprint() for part in self.parts],
                "fusion": self.fusion.describe(),
                "depth": self.depth,
            }
        )

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "hybrid",
            "parts": [dict(part.describe()) for part in self.parts],
            "fusion": self.fusion.describe(),
            "depth": self.depth,
            "fingerprint": self.fingerprint(),
        }
