"""What a report needs about answers: per query type, did better retrieval give better answers;
and the answers that changed between two systems, with both contexts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean
from typing import Iterable, Mapping

from ragshift.harness.types import Row

TIE = 1e-9


@dataclass(frozen=True)
class AnswerSide:
    answer: str
    contexts: tuple[Mapping[str, str], ...]
    """``{"doc_id", "text"}`` of each context the generator saw."""
    scores: Mapping[str, float | None]


@dataclass(frozen=True)
class AnswerChange:
    qid: str
    question: str
    query_type: str | None
    gold: tuple[str, ...]
    baseline: AnswerSide
    candidate: AnswerSide
    delta: float
    """Candidate minus baseline on the metric the change was picked by."""


@dataclass(frozen=True)
class Transfer:
    """Mean per-query deltas (candidate − baseline) of one slice; significance is the comparison's job."""

    slice: str
    n: int
    retrieval_delta: float
    answer_delta: float

    @property
    def verdict(self) -> str:
        r = 0 if abs(self.retrieval_delta) <= TIE else (1 if self.retrieval_delta > 0 else -1)
        a = 0 if abs(self.answer_delta) <= TIE else (1 if self.answer_delta > 0 else -1)
        if r == 0:
            return "no change" if a == 0 else "answers changed, retrieval did not"
        better = "better" if r > 0 else "worse"
        return f"{better} retrieval, {better} answers" if a == r else f"{better} retrieval, answers not {better}"


def _pairs(rows: Iterable[Row], baseline: str, candidate: str) -> list[tuple[Row, Row]]:
    by: dict[tuple[str, str, str], Row] = {(r.system, r.dataset, r.qid): r for r in rows}
    return [(b, by[(candidate, d, q)]) for (s, d, q), b in by.items() if s == baseline and (candidate, d, q) in by]


def _side(row: Row, metrics: tuple[str, ...]) -> AnswerSide:
    answer = row.meta.get("answer", {})
    return AnswerSide(answer.get("text", ""), tuple(answer.get("contexts", ())), {m: row.metrics.get(m) for m in metrics})


def changed_answers(
    rows: Iterable[Row],
    *,
    baseline: str,
    candidate: str,
    metric: str = "answer.contains_gold",
    show: tuple[str, ...] = (),
    limit: int = 10,
) -> list[AnswerChange]:
    """Queries whose ``metric`` differs between the systems, largest change first (then by qid).

    ``show`` adds further metrics to each side's scores. Rows without a value (failed, not applicable) are skipped.
    """
    metrics = (metric, *(m for m in show if m != metric))
    changes = []
    for b, c in _pairs(rows, baseline, candidate):
        before, after = b.metrics.get(metric), c.metrics.get(metric)
        if before is None or after is None or abs(after - before) <= TIE:
            continue
        changes.append(
            AnswerChange(
                b.qid, b.query, b.query_type, tuple(b.meta.get("answer", {}).get("gold", ())),
                _side(b, metrics), _side(c, metrics), after - before,
            )
        )
    changes.sort(key=lambda ch: (-abs(ch.delta), ch.qid))
    return changes[:limit]


def retrieval_to_answers(
    rows: Iterable[Row],
    *,
    baseline: str,
    candidate: str,
    retrieval_metric: str,
    answer_metric: str,
    field: str = "query_type",
) -> list[Transfer]:
    """One ``Transfer`` for all queries, then one per value of ``field`` (most queries first)."""
    groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for b, c in _pairs(rows, baseline, candidate):
        values = (b.metrics.get(retrieval_metric), c.metrics.get(retrieval_metric), b.metrics.get(answer_metric), c.metrics.get(answer_metric))
        if any(v is None for v in values):
            continue
        delta = (values[1] - values[0], values[3] - values[2])
        groups["all"].append(delta)
        key = getattr(b, field, None) if hasattr(b, field) else b.meta.get(field)
        if key is not None:
            groups[f"{field}={key}"].append(delta)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] != "all", -len(kv[1]), kv[0]))
    return [Transfer(k, len(v), fmean(d[0] for d in v), fmean(d[1] for d in v)) for k, v in ordered]
