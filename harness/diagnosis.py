"""Diagnosis of the qrels and the systems in every run: judged@10 per system, unreachable queries,
and the judging sheet of the unjudged documents the systems retrieved (pooled across systems).

* judged@k: the share of a system's top k that has a qrels judgment (any grade). Low values mean
  the qrels have holes, which bias the comparison against systems that find new documents.
* unreachable: a query whose relevant document is in no system's top ``POOL_DEPTH``: a missing
  document, broken chunking or a bad judgment.
* the judging sheet: every unjudged (query, document) in some system's top ``SHEET_DEPTH``, for a
  person to judge (``judging/sheet.jsonl`` and the form ``judging/sheet.html``); ``ragshift judge
  merge`` adds the verdicts to the qrels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ragshift.harness.types import Hit, Query

POOL_DEPTH = 100
SHEET_DEPTH = 10
JUDGED_AT = 10


@dataclass
class Pool:
    """What every system retrieved for the queries of one dataset, for the diagnosis."""

    dataset: str
    queries: Sequence[Query]
    qrels: Mapping[str, Mapping[str, int]]
    documents: Mapping[str, Any]
    deep: dict[str, set[str]] = field(default_factory=dict)
    """qid -> documents in any system's top ``POOL_DEPTH`` (or whatever depth that system was asked)."""
    top: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """qid -> document -> systems that had it in their top ``SHEET_DEPTH``, in first-seen order."""
    judged: dict[str, list[float]] = field(default_factory=dict)
    """system -> judged@10 of each query."""

    def add(self, system: str, hits: Mapping[str, Sequence[Hit]]) -> None:
        """A system's hits (best first) for the queries of this dataset."""
        shares = []
        for q in self.queries:
            ranked = [h.doc_id for h in hits.get(q.qid, [])]
            self.deep.setdefault(q.qid, set()).update(ranked)
            top = self.top.setdefault(q.qid, {})
            for doc in ranked[:SHEET_DEPTH]:
                top.setdefault(doc, []).append(system)
            judged = self.qrels.get(q.qid, {})
            head = ranked[:JUDGED_AT]
            shares.append(sum(d in judged for d in head) / JUDGED_AT)
        self.judged[system] = shares

    def add_deep(self, hits: Mapping[str, Sequence[Hit]]) -> None:
        """Hits of a deeper retrieval (top ``POOL_DEPTH``) that only widen the pool."""
        for q in self.queries:
            self.deep.setdefault(q.qid, set()).update(h.doc_id for h in hits.get(q.qid, []))

    def unreachable(self) -> list[dict[str, Any]]:
        out = []
        for q in self.queries:
            relevant = sorted(d for d, grade in self.qrels.get(q.qid, {}).items() if grade > 0)
            found = self.deep.get(q.qid, set())
            if relevant and not found.intersection(relevant):
                absent = [d for d in relevant if d not in self.documents]
                out.append({
                    "dataset": self.dataset, "qid": q.qid, "query": q.text, "relevant": relevant,
                    "missing_documents": absent,
                    "likely": "missing document" if absent else "broken chunking or a bad judgment",
                })
        return out

    def sheet(self) -> list[dict[str, Any]]:
        """One item per unjudged (query, document) in some system's top ``SHEET_DEPTH``."""
        items = []
        for q in self.queries:
            judged = self.qrels.get(q.qid, {})
            for doc, systems in self.top.get(q.qid, {}).items():
                if doc in judged:
                    continue
                document = self.documents.get(doc)
                items.append({
                    "dataset": self.dataset, "qid": q.qid, "query": q.text, "doc_id": doc,
                    "title": getattr(document, "title", "") or "", "text": getattr(document, "text", "") or "",
                    "systems": systems, "relevance": None,
                })
        return items


def summarize(pools: Sequence[Pool]) -> dict[str, Any]:
    """Run-card ``diagnosis``: judged@10 per system and dataset, unreachable queries, sheet size."""
    judged = {
        p.dataset: {s: (sum(v) / len(v) if v else None) for s, v in p.judged.items()} for p in pools
    }
    unreachable = [u for p in pools for u in p.unreachable()]
    return {
        "judged_at": JUDGED_AT,
        "pool_depth": POOL_DEPTH,
        "judged": judged,
        "unreachable": unreachable,
        "queries": {p.dataset: len(p.queries) for p in pools},
        "unjudged_pooled": sum(len(p.sheet()) for p in pools),
    }


def describe(diagnosis: Mapping[str, Any] | None, *, listed: int = 10) -> list[str]:
    """Plain sentences for the reports: judged@10 per system, unreachable queries, the sheet."""
    if not diagnosis:
        return []
    at = diagnosis.get("judged_at", JUDGED_AT)
    lines = []
    for dataset, per in (diagnosis.get("judged") or {}).items():
        shares = ", ".join(f"{s} {v:.0%}" for s, v in per.items() if v is not None)
        lines.append(f"judged@{at} on {dataset} (share of the top {at} with a qrels judgment): {shares}")
    lows = [s for per in (diagnosis.get("judged") or {}).values() for s, v in per.items() if v is not None and v < 0.5]
    if lows:
        lines.append(f"low judged@{at} ({', '.join(dict.fromkeys(lows))}): the qrels have holes that bias against these systems; judge the sheet")
    unreachable = diagnosis.get("unreachable") or []
    total = sum((diagnosis.get("queries") or {}).values())
    depth = diagnosis.get("pool_depth", POOL_DEPTH)
    lines.append(f"unreachable queries (no relevant document in any system's top {depth}): {len(unreachable)} of {total}")
    for u in unreachable[:listed]:
        lines.append(f"unreachable {u['qid']} ({u['likely']}): {u['query'][:80]!r}, relevant {', '.join(u['relevant'])}")
    if len(unreachable) > listed:
        lines.append(f"... and {len(unreachable) - listed} more (summary.json run_card.diagnosis)")
    lines.append(
        f"judging sheet: {diagnosis.get('unjudged_pooled', 0)} unjudged documents pooled from the systems' top {SHEET_DEPTH} "
        "in judging/sheet.jsonl and judging/sheet.html; merge verdicts with `ragshift judge merge`"
    )
    return lines
