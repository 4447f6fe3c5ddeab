"""run_shadow over two keyword retrievers: known agreement per query, one query per call, alternating
order, warm-up, and latencies from an injected clock."""

from __future__ import annotations

from typing import Sequence

import pytest

from ragshift.harness.protocols import Retriever
from ragshift.harness.shipping.replay import biggest_movers, current_hits, latency_stats, rows_changed_completely, run_shadow
from ragshift.harness.types import Hit, Query


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Timed:
    """Advances the fake clock by ``ms`` per call and logs (name, query ids) in a shared journal."""

    def __init__(self, inner: Retriever, name: str, ms: float, clock: Clock, journal: list) -> None:
        self.inner, self.name, self.ms, self.clock, self.journal = inner, name, ms, clock, journal

    def retrieve(self, queries: Sequence[Query], *, k: int) -> dict[str, list[Hit]]:
        self.journal.append((self.name, tuple(q.qid for q in queries)))
        self.clock.now += self.ms / 1000
        return self.inner.retrieve(queries, k=k)


def test_known_agreement_per_query(current, candidate, queries) -> None:
    result = run_shadow(current, candidate, queries, k=2, warmup=0, names=("prod", "ft"))
    rows = {r.qid: r for r in result.rows}
    assert [h.doc_id for h in current_hits(rows["q-dog"])] == ["d3", "d2"]
    assert [h.doc_id for h in rows["q-dog"].hits] == ["d2", "d1"]
    cat = rows["q-cat"].metrics
    assert (cat["overlap@2"], cat["top1_same"], cat["changed_completely"]) == (1.0, 1.0, 0.0)
    assert rows["q-cat"].metrics["rbo"] == pytest.approx(1.0)
    dog = rows["q-dog"].metrics
    assert (dog["overlap@2"], dog["top1_rank"], dog["mean_rank_shift"]) == (0.5, None, 1.0)
    assert dog["rbo"] == pytest.approx(0.1 / 0.9 * 0.5 * 0.81 + 0.5 * 0.81)  # X = 0, 1 at p = 0.9
    bird = rows["q-bird"].metrics
    assert (bird["overlap@2"], bird["rbo"], bird["changed_completely"], bird["mean_rank_shift"]) == (0.0, 0.0, 1.0, None)
    assert all(r.system == "ft" and r.meta["shadow_of"] == "prod" for r in result.rows)
    s = result.summary
    assert (s["current"], s["candidate"], s["queries"], s["k"]) == ("prod", "ft", 3, 2)
    assert s["mean_overlap@2"] == pytest.approx(0.5)
    assert s["mean_rbo"] == pytest.approx((1 + dog["rbo"]) / 3)
    assert (s["changed_completely"], s["identical_top_k"], s["top1_gone"]) == (1, 1, 2)
    assert s["share_top1_same"] == pytest.approx(1 / 3)
    assert s["top1_rank_counts"] == [{"rank": 1, "queries": 1}, {"rank": "gone", "queries": 2}]
    assert [r.qid for r in rows_changed_completely(result.rows)] == ["q-bird"]
    assert [r.qid for r in biggest_movers(result.rows)] == ["q-dog"]
    assert result.texts["d5"] == "A bird sings."
    assert rows["q-dog"].to_json()["meta"]["current_hits"][0] == {"doc_id": "d3", "score": pytest.approx(1.0), "chunk_id": None}


def test_one_query_per_call_alternating_order_after_warmup(current, candidate, queries) -> None:
    clock, journal = Clock(), []
    cur = Timed(current, "cur", 5.0, clock, journal)
    cand = Timed(candidate, "cand", 8.0, clock, journal)
    result = run_shadow(cur, cand, queries, k=2, warmup=2, clock=clock)
    assert journal == [
        ("cur", ("q-cat",)), ("cand", ("q-cat",)), ("cur", ("q-dog",)), ("cand", ("q-dog",)),  # warm-up
        ("cur", ("q-cat",)), ("cand", ("q-cat",)),
        ("cand", ("q-dog",)), ("cur", ("q-dog",)),
        ("cur", ("q-bird",)), ("cand", ("q-bird",)),
    ]
    assert [r.meta["first"] for r in result.rows] == ["current", "candidate", "current"]
    for row in result.rows:
        assert row.metrics["latency_ms.current"] == pytest.approx(5.0)
        assert row.metrics["latency_ms.candidate"] == pytest.approx(8.0)
    lat = result.summary["latency_ms"]
    assert lat["current"]["p50"] == pytest.approx(5.0) and lat["candidate"]["p95"] == pytest.approx(8.0)
    assert result.summary["warmup"] == 2


def test_latency_percentiles_are_numpys() -> None:
    stats = latency_stats([float(v) for v in range(1, 101)])
    assert (stats["p50"], stats["p95"], stats["max"]) == (pytest.approx(50.5), pytest.approx(95.05), 100.0)
    assert latency_stats([])["p50"] is None


def test_bad_arguments(current, candidate, queries) -> None:
    with pytest.raises(ValueError, match="unique"):
        run_shadow(current, candidate, queries + queries[:1], k=2)
    with pytest.raises(ValueError, match="k must be at least 1"):
        run_shadow(current, candidate, queries, k=0)
