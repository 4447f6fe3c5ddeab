"""The report's "Answer quality" part: answer metrics per system and query type, whether better
retrieval gave better answers, failed judge verdicts, and answers that changed between systems."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ragshift.harness.answers.changes import AnswerChange, Transfer, changed_answers, retrieval_to_answers
from ragshift.harness.answers.metrics import MENU
from ragshift.harness.answers.rows import failure_counts
from ragshift.harness.compare.model import Comparison
from ragshift.harness.compare.slices import slice_members
from ragshift.harness.runcard import RunCard
from ragshift.harness.types import Row

HEADLINE = (
    "answer.contains_gold", "answer.rouge_l", "answer.string_similarity", "answer.exact_match",
    "judge.factual_correctness", "judge.faithfulness", "judge.answer_relevancy",
)
"""The answer metric the transfer table and the changed answers follow: the first one present."""
CHANGE_LIMIT = 8


@dataclass(frozen=True)
class AnswerSlice:
    label: str
    n: int
    """Answered queries in the slice."""
    means: dict[str, float | None]
    """Mean over the queries with a value (None where none has one)."""


@dataclass(frozen=True)
class SystemAnswers:
    system: str
    dataset: str
    slices: tuple[AnswerSlice, ...]
    """``all`` first, then one per query type."""


@dataclass(frozen=True)
class AnswerPair:
    """One candidate against the baseline on one dataset: transfer per query type, changed answers."""

    dataset: str
    baseline: str
    candidate: str
    transfers: tuple[Transfer, ...]
    changes: tuple[AnswerChange, ...]


@dataclass(frozen=True)
class AnswerQuality:
    metrics: tuple[str, ...]
    judged: tuple[str, ...]
    headline: str
    retrieval_metric: str | None
    """The retrieval metric set against ``headline`` (recall@top_k when the run has it)."""
    setup: Mapping[str, Any]
    """The run card's ``answers`` section (generator, judge, prompt, fingerprints)."""
    systems: tuple[SystemAnswers, ...]
    answered: dict[str, int]
    """Answered queries per system (all datasets)."""
    failures: dict[str, dict[str, int]]
    """``{system: {metric: failed verdicts}}`` (scored None, never 0)."""
    pairs: tuple[AnswerPair, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "metrics": list(self.metrics),
            "headline": self.headline,
            "retrieval_metric": self.retrieval_metric,
            "answered": self.answered,
            "failures": self.failures,
            "systems": [
                {"system": s.system, "dataset": s.dataset,
                 "slices": [{"slice": sl.label, "n": sl.n, "means": sl.means} for sl in s.slices]}
                for s in self.systems
            ],
            "pairs": [
                {
                    "dataset": p.dataset, "baseline": p.baseline, "candidate": p.candidate,
                    "transfer": [
                        {"slice": t.slice, "n": t.n, "retrieval_delta": t.retrieval_delta,
                         "answer_delta": t.answer_delta, "verdict": t.verdict}
                        for t in p.transfers
                    ],
                    "changed": [_change_json(c) for c in p.changes],
                }
                for p in self.pairs
            ],
        }


def _change_json(change: AnswerChange) -> dict[str, Any]:
    sides = {
        name: {"answer": side.answer, "contexts": [c.get("doc_id") for c in side.contexts], "scores": dict(side.scores)}
        for name, side in (("baseline", change.baseline), ("candidate", change.candidate))
    }
    return {"qid": change.qid, "question": change.question, "query_type": change.query_type,
            "gold": list(change.gold), "delta": change.delta, **sides}


def _mean(rows: Sequence[Row], metric: str) -> float | None:
    values = [v for r in rows if (v := r.value(metric)) is not None]
    return sum(values) / len(values) if values else None


def _system_answers(answered: Sequence[Row], metrics: Sequence[str]) -> tuple[SystemAnswers, ...]:
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in answered:
        groups.setdefault((row.system, row.dataset), []).append(row)
    return tuple(
        SystemAnswers(system, dataset, tuple(
            AnswerSlice(key.label, len(idx), {m: _mean([group[i] for i in idx], m) for m in metrics})
            for key, idx in slice_members(group, ("query_type",), auto_tags=False).items()
        ))
        for (system, dataset), group in groups.items()
    )


def answer_quality(
    rows: Sequence[Row], run_card: RunCard, comparison: Comparison | None
) -> AnswerQuality | None:
    """The answer-quality view of a run, or None when no row carries an answer metric."""
    metrics = tuple(dict.fromkeys(m for r in rows for m in r.metrics if m in MENU))
    if not metrics:
        return None
    answered = [r for r in rows if any(m in r.metrics for m in metrics)]
    headline = next((m for m in HEADLINE if m in metrics), metrics[0])
    setup = run_card.answers or {}
    others = [m for m in dict.fromkeys(m for r in rows for m in r.metrics) if m not in MENU]
    top_k = setup.get("top_k")
    retrieval = next((m for m in (f"recall@{top_k}", f"hit_rate@{top_k}", *others) if m in others), None)
    pairs = []
    for pair in comparison.pairs if comparison is not None else ():
        own = [r for r in answered if r.dataset == pair.dataset]
        transfers = retrieval_to_answers(
            own, baseline=pair.baseline, candidate=pair.candidate, retrieval_metric=retrieval, answer_metric=headline,
        ) if retrieval else []
        shown = tuple(m for m in metrics if not m.startswith("ctx."))  # with each changed answer
        changes = changed_answers(
            own, baseline=pair.baseline, candidate=pair.candidate, metric=headline, show=shown, limit=CHANGE_LIMIT,
        )
        pairs.append(AnswerPair(pair.dataset, pair.baseline, pair.candidate, tuple(transfers), tuple(changes)))
    return AnswerQuality(
        metrics=metrics,
        judged=tuple(m for m in metrics if MENU[m].judged),
        headline=headline,
        retrieval_metric=retrieval,
        setup=setup,
        systems=_system_answers(answered, metrics),
        answered={s: sum(r.system == s for r in answered) for s in dict.fromkeys(r.system for r in answered)},
        failures=failure_counts(answered),
        pairs=tuple(pairs),
    )
