"""``run_shadow``: replay logged queries through the current and the candidate retriever, one at a time.

Each query is sent alone to each retriever, so its latency covers what a live request pays (query
encoding + search), and the order alternates (current first on even queries, candidate first on odd
ones) so neither side always runs on a warmer cache. The first ``warmup`` queries are sent once to both
before timing (lazy model loads, first-call compilation) and their results thrown away.

The result is one ``Row`` per query — the candidate's hits, the current's hits in ``meta``, the
agreement figures of ``ragshift.harness.shipping.shadow`` and both latencies in ``metrics`` — and a summary
aggregated from those rows.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ragshift.harness.protocols import Retriever
from ragshift.harness.shipping.shadow import DEFAULT_P, compare_rankings
from ragshift.harness.types import Hit, Query, Row

LATENCY = "latency_ms"


@dataclass(frozen=True)
class ShadowResult:
    current: str
    candidate: str
    k: int
    p: float
    rows: tuple[Row, ...]
    summary: dict[str, Any]
    texts: Mapping[str, str] = field(default_factory=dict)
    """The first retrieved chunk text of each document seen, for the report's snippets."""


def current_hits(row: Row) -> list[Hit]:
    """The current system's hits of a shadow row (kept in ``meta`` as JSON)."""
    return [Hit(h["doc_id"], float(h["score"]), h.get("chunk_id")) for h in row.meta.get("current_hits", [])]


def latency_key(side: str) -> str:
    return f"{LATENCY}.{side}"


def _timed(retriever: Retriever, query: Query, k: int, clock: Callable[[], float]) -> tuple[list[Hit], float]:
    start = clock()
    hits = retriever.retrieve([query], k=k).get(query.qid, [])
    return list(hits)[:k], (clock() - start) * 1000.0


def _hit_json(hit: Hit) -> dict[str, Any]:
    return {"doc_id": hit.doc_id, "score": float(hit.score), "chunk_id": hit.chunk_id}


def run_shadow(
    current: Retriever,
    candidate: Retriever,
    queries: Sequence[Query],
    *,
    k: int = 10,
    p: float = DEFAULT_P,
    warmup: int = 3,
    names: tuple[str, str] = ("current", "candidate"),
    clock: Callable[[], float] = time.perf_counter,
    on_query: Callable[[int], None] | None = None,
) -> ShadowResult:
    """Replay ``queries`` through both retrievers; ``names`` label them in rows and summary.

    ``clock`` (seconds) is injectable so tests can fix latencies; ``on_query`` is called after each
    timed query with the number done (for a progress bar).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if warmup < 0:
        raise ValueError(f"warmup must be >= 0, got {warmup}")
    qids = [q.qid for q in queries]
    if len(set(qids)) != len(qids):
        raise ValueError("query ids must be unique")
    for query in queries[:warmup]:
        current.retrieve([query], k=k)
        candidate.retrieve([query], k=k)
    cur_name, cand_name = names
    rows = []
    texts: dict[str, str] = {}
    for i, query in enumerate(queries):
        if i % 2 == 0:
            cur_hits, cur_ms = _timed(current, query, k, clock)
            cand_hits, cand_ms = _timed(candidate, query, k, clock)
        else:
            cand_hits, cand_ms = _timed(candidate, query, k, clock)
            cur_hits, cur_ms = _timed(current, query, k, clock)
        for hit in (*cur_hits, *cand_hits):
            if hit.text and hit.doc_id not in texts:
                texts[hit.doc_id] = hit.text
        figures = compare_rankings([h.doc_id for h in cur_hits], [h.doc_id for h in cand_hits], k=k, p=p)
        rows.append(
            Row(
                system=cand_name,
                qid=query.qid,
                query=query.text,
                query_type=query.query_type,
                split=None,
                metrics={**figures, latency_key("current"): cur_ms, latency_key("candidate"): cand_ms},
                hits=tuple(cand_hits),
                meta={
                    "shadow_of": cur_name,
                    "current_hits": [_hit_json(h) for h in cur_hits],
                    "first": "current" if i % 2 == 0 else "candidate",
                    **({"log": dict(query.meta)} if query.meta else {}),
                },
            )
        )
        if on_query is not None:
            on_query(i + 1)
    summary = summarize(rows, k=k, p=p, names=names, warmup=min(warmup, len(queries)))
    return ShadowResult(cur_name, cand_name, k, p, tuple(rows), summary, texts)


def _values(rows: Sequence[Row], metric: str) -> list[float]:
    return [
        float(v) for r in rows if (v := r.metrics.get(metric)) is not None and math.isfinite(v)
    ]


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if values else None


def latency_stats(values: Sequence[float]) -> dict[str, float | None]:
    """p50 / p95 / p99 / mean / max in milliseconds (numpy's linear-interpolation percentiles)."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "mean": None, "max": None}
    arr = np.asarray(values, dtype=float)
    p50, p95, p99 = np.percentile(arr, [50, 95, 99])
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99), "mean": float(arr.mean()), "max": float(arr.max())}


def summarize(
    rows: Sequence[Row], *, k: int, p: float, names: tuple[str, str], warmup: int = 0
) -> dict[str, Any]:
    """Aggregates of per-query shadow rows: means, shares and latency percentiles of each side."""
    n = len(rows)
    overlap = _values(rows, f"overlap@{k}")
    top1 = [r.metrics.get("top1_rank") for r in rows if r.meta.get("current_hits")]
    return {
        "current": names[0],
        "candidate": names[1],
        "k": k,
        "p": p,
        "queries": n,
        "warmup": warmup,
        f"mean_overlap@{k}": _mean(overlap),
        "mean_rbo": _mean(_values(rows, "rbo")),
        "mean_rank_shift": _mean(_values(rows, "mean_rank_shift")),
        "changed_completely": int(sum(_values(rows, "changed_completely"))),
        "share_changed_completely": _mean(_values(rows, "changed_completely")),
        "identical_top_k": sum(1 for r in rows if _same_ranking(r)),
        "share_top1_same": _mean(_values(rows, "top1_same")),
        "top1_gone": sum(1 for v in top1 if v is None),
        "top1_rank_counts": _rank_counts(top1),
        "latency_ms": {
            "current": latency_stats(_values(rows, latency_key("current"))),
            "candidate": latency_stats(_values(rows, latency_key("candidate"))),
        },
    }


def _same_ranking(row: Row) -> bool:
    return [h["doc_id"] for h in row.meta.get("current_hits", [])] == [h.doc_id for h in row.hits]


def _rank_counts(ranks: Sequence[float | None]) -> list[dict[str, Any]]:
    """``[{"rank": 1, "queries": n}, …, {"rank": "gone", "queries": n}]``: where the current top-1
    document landed in the candidate's top-K, best rank first."""
    counts: dict[int, int] = {}
    for r in (int(v) for v in ranks if v is not None):
        counts[r] = counts.get(r, 0) + 1
    gone = sum(1 for v in ranks if v is None)
    return [{"rank": r, "queries": n} for r, n in sorted(counts.items())] + (
        [{"rank": "gone", "queries": gone}] if gone else []
    )


def rows_changed_completely(rows: Sequence[Row]) -> list[Row]:
    return [r for r in rows if r.metrics.get("changed_completely") == 1.0]


def biggest_movers(rows: Sequence[Row], limit: int = 10) -> list[Row]:
    """Queries whose rankings changed most without changing completely: lowest RBO first."""
    moved = [r for r in rows if r.metrics.get("changed_completely") != 1.0 and not _same_ranking(r)]
    return sorted(moved, key=lambda r: (r.metrics.get("rbo", 1.0), r.qid))[:limit]

