"""``RerankRetriever``: a first-stage system's top ``top_n`` documents re-scored by a cross-encoder."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash, text_hash
from ragshift.harness.protocols import CrossScorer, RetrievalSystem
from ragshift.harness.types import Hit, Query


class RerankRetriever:
    """Scores ``(query, passage)`` for the first stage's top ``top_n`` and ranks by that score (ties keep
    the first stage's order). Returns at most ``top_n`` documents: set ``top_n`` >= the depth a run asks for.

    The passage is ``texts[doc_id]`` when ``texts`` is given (e.g. each document's full text), else the
    text of the hit (the best chunk); a hit without either is an error.
    """

    def __init__(
        self,
        first: RetrievalSystem,
        scorer: CrossScorer,
        *,
        top_n: int = 100,
        texts: Mapping[str, str] | None = None,
    ) -> None:
        if top_n < 1:
            raise ConfigError(f"rerank top_n must be >= 1, got {top_n}")
        self.first = first
        self.scorer = scorer
        self.top_n = top_n
        self.texts = texts
        self._texts_fingerprint: str | None = None

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]:
        if not queries:
            return {}
        candidates = self.first.retrieve(queries, k=self.top_n)
        pairs = [(q.text, self._passage(hit)) for q in queries for hit in candidates.get(q.qid, [])]
        scores = iter(self.scorer.score(pairs))
        out = {}
        for q in queries:
            hits = candidates.get(q.qid, [])
            rescored = [(next(scores), rank, hit) for rank, hit in enumerate(hits)]
            rescored.sort(key=lambda item: (-item[0], item[1]))
            out[q.qid] = [Hit(h.doc_id, float(s), chunk_id=h.chunk_id, text=h.text) for s, _, h in rescored[:k]]
        return out

    def fingerprint(self) -> str:
        return stable_hash(
            {
                "retriever": "rerank",
                "first": self.first.fingerprint(),
                "scorer": self.scorer.fingerprint(),
                "top_n": self.top_n,
                "texts": self._texts_digest(),
            }
        )

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "rerank",
            "first": dict(self.first.describe()),
            "scorer": dict(self.scorer.describe()),
            "top_n": self.top_n,
            "passage": "document text" if self.texts is not None else "hit text",
            "fingerprint": self.fingerprint(),
        }

    def _passage(self, hit: Hit) -> str:
        if self.texts is not None:
            if hit.doc_id not in self.texts:
                raise ConfigError(f"rerank: no text for document {hit.doc_id!r} in the text lookup")
            return self.texts[hit.doc_id]
        if hit.text is None:
            raise ConfigError(f"rerank: the first stage returned document {hit.doc_id!r} without text; pass texts=")
        return hit.text

    def _texts_digest(self) -> str | None:
        if self.texts is None:
            return None
        if self._texts_fingerprint is None:
            self._texts_fingerprint = stable_hash(sorted((d, text_hash(t)) for d, t in self.texts.items()))
        return self._texts_fingerprint
