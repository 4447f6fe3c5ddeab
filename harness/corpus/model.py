"""The in-memory corpus: documents, queries with metadata, graded qrels and gold answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

from ragshift.harness.fingerprint import stable_hash, text_hash
from ragshift.harness.types import Document, Query


@dataclass(frozen=True)
class Corpus:
    name: str
    documents: Mapping[str, Document]
    queries: Mapping[str, Query] = field(default_factory=dict)
    qrels: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    answers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    skipped_empty: tuple[str, ...] = ()
    """Ids of documents left out for having neither title nor text; their qrels are kept, so they
    count as relevant but can never be retrieved."""

    @cached_property
    def fingerprint(self) -> str:
        """Hash of every document, query, judgement and answer (not of the file paths)."""
        return stable_hash(
            {
                "docs": sorted((d.doc_id, text_hash(d.title), text_hash(d.text)) for d in self.documents.values()),
                "queries": sorted(
                    (q.qid, text_hash(q.text), q.query_type or "", q.split or "") for q in self.queries.values()
                ),
                "qrels": {q: dict(sorted(r.items())) for q, r in sorted(self.qrels.items())},
                "answers": {q: list(a) for q, a in sorted(self.answers.items())},
            }
        )

    @property
    def documents_fingerprint(self) -> str:
        """Hash of the documents alone: what the vector index depends on."""
        return stable_hash(sorted((d.doc_id, text_hash(d.full_text)) for d in self.documents.values()))

    def skipped_warning(self, shown: int = 10) -> str | None:
        """One line naming the skipped empty documents (the first ``shown`` ids and the count) and how
        many of them some query judged relevant, or None when none was skipped."""
        n = len(self.skipped_empty)
        if not n:
            return None
        ids = ", ".join(self.skipped_empty[:shown]) + (f", … ({n - shown} more)" if n > shown else "")
        relevant = {d for judged in self.qrels.values() for d, grade in judged.items() if grade > 0}
        kept = len(relevant.intersection(self.skipped_empty))
        note = f"; {kept} of them judged relevant: kept in the qrels, never retrieved" if kept else ""
        return f"{self.name}: skipped {n} empty document{'s' if n > 1 else ''} (no title, no text): {ids}{note}"

    def splits(self) -> list[str]:
        return sorted({q.split for q in self.queries.values() if q.split})

    def select(self, split: str | None) -> list[Query]:
        """Queries of one split (all when ``split`` is None) that have at least one judgement."""
        return [
            q
            for q in self.queries.values()
            if (split is None or q.split == split) and any(s > 0 for s in self.qrels.get(q.qid, {}).values())
        ]
