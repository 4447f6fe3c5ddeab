"""Frozen records that flow through every stage: documents, queries, chunks, hits, per-query rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ragshift.harness.numbers import is_finite

Qrels = Mapping[str, Mapping[str, int]]
"""``{qid: {doc_id: graded relevance}}``; relevance > 0 means relevant."""

DEFAULT_DATASET = "default"
"""The dataset of rows that name none (single-dataset runs, rows.jsonl written before rows had one)."""


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    title: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def full_text(self) -> str:
        """Title and body as one passage, the way BEIR models are evaluated."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True)
class Query:
    qid: str
    text: str
    query_type: str | None = None
    split: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    text: str
    position: int = 0
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Hit:
    """One retrieved item; ``score`` is always higher-is-better."""

    doc_id: str
    score: float
    chunk_id: str | None = None
    text: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    """What the index stores about the chunk besides its document and text (e.g. ``position``)."""


@dataclass(frozen=True)
class Row:
    """One query's result for one system on one dataset: the currency of every comparison.

    A query is identified by ``(system, dataset, qid)``: qids of two datasets may collide.
    """

    system: str
    qid: str
    query: str
    query_type: str | None
    split: str | None
    metrics: Mapping[str, float]
    hits: tuple[Hit, ...] = ()
    relevant: Mapping[str, int] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    dataset: str = DEFAULT_DATASET

    def value(self, metric: str) -> float | None:
        """``metric``'s value; None when absent, None (a failed judge verdict) or not finite."""
        value = self.metrics.get(metric)
        return float(value) if is_finite(value) else None

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "qid": self.qid,
            "query": self.query,
            "query_type": self.query_type,
            "split": self.split,
            "metrics": dict(self.metrics),
            "hits": [
                {"doc_id": h.doc_id, "score": h.score, "chunk_id": h.chunk_id} for h in self.hits
            ],
            "relevant": dict(self.relevant),
            "meta": dict(self.meta),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Row":
        """Read a rows.jsonl line; older lines without ``dataset`` keep it in ``meta`` or have none."""
        meta = dict(data.get("meta", {}))
        legacy = None if "dataset" in data else meta.pop("dataset", None)
        return cls(
            system=data["system"],
            qid=data["qid"],
            query=data["query"],
            query_type=data.get("query_type"),
            split=data.get("split"),
            metrics=dict(data["metrics"]),
            hits=tuple(Hit(h["doc_id"], float(h["score"]), h.get("chunk_id")) for h in data.get("hits", [])),
            relevant=dict(data.get("relevant", {})),
            meta=meta,
            dataset=str(data.get("dataset") or legacy or DEFAULT_DATASET),
        )
