"""``answer_rows``: retrieved hits → prompt → generated answer → per-query answer-quality rows."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Mapping, Sequence

from rich.console import Console

from ragshift.harness.answers.metrics import MENU
from ragshift.harness.answers.prompt import PromptTemplate
from ragshift.harness.answers.sample import AnswerSample, JudgeVerdict
from ragshift.harness.corpus.model import Corpus
from ragshift.harness.errors import ConfigError, RagshiftError
from ragshift.harness.progress import progress_bar
from ragshift.harness.protocols import Generator, Judge
from ragshift.harness.types import Hit, Query, Row

GENERATE_BATCH = 8
"""Prompts per ``generate`` call: the progress bar's step."""


def contexts_for(hits: Sequence[Hit], corpus: Corpus, top_k: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(texts, doc ids) of the first ``top_k`` hits: the retrieved chunk, else the whole document."""
    chosen = list(hits[:top_k])
    texts = tuple(h.text if h.text is not None else corpus.documents[h.doc_id].full_text for h in chosen)
    return texts, tuple(h.doc_id for h in chosen)


def build_samples(
    queries: Sequence[Query],
    hits_by_qid: Mapping[str, Sequence[Hit]],
    corpus: Corpus,
    answers: Sequence[str],
    *,
    top_k: int,
) -> list[AnswerSample]:
    samples = []
    for query, answer in zip(queries, answers, strict=True):
        texts, ids = contexts_for(hits_by_qid.get(query.qid, []), corpus, top_k)
        relevant = [d for d, grade in corpus.qrels.get(query.qid, {}).items() if grade > 0 and d in corpus.documents]
        samples.append(
            AnswerSample(
                qid=query.qid, question=query.text, contexts=texts, context_ids=ids, response=answer,
                references=tuple(corpus.answers.get(query.qid, ())),
                reference_contexts=tuple(corpus.documents[d].full_text for d in relevant),
                reference_context_ids=tuple(relevant),
            )
        )
    return samples


def generate_answers(
    generator: Generator,
    template: PromptTemplate,
    queries: Sequence[Query],
    hits_by_qid: Mapping[str, Sequence[Hit]],
    corpus: Corpus,
    *,
    top_k: int,
    console: Console | None = None,
) -> list[str]:
    prompts = [template.render(q.text, contexts_for(hits_by_qid.get(q.qid, []), corpus, top_k)[0]) for q in queries]
    answers: list[str] = []
    with progress_bar(console or Console(quiet=True)) as bar:
        task = bar.add_task("generating answers", total=len(prompts))
        for at in range(0, len(prompts), GENERATE_BATCH):
            batch = prompts[at : at + GENERATE_BATCH]
            part = generator.generate(batch)
            if len(part) != len(batch):
                raise RagshiftError(f"generator returned {len(part)} answers for {len(batch)} prompts")
            answers.extend(part)
            bar.advance(task, len(part))
    return answers


def applicable(label: str, sample: AnswerSample) -> bool:
    """Whether ``sample`` has what metric ``label`` needs (a gold answer; judged documents)."""
    metric = MENU[label]
    if metric.needs_reference and not sample.references:
        return False
    return not label.startswith("ctx.") or bool(sample.reference_context_ids)


def score_samples(
    samples: Sequence[AnswerSample],
    metrics: Sequence[str],
    *,
    offline: Judge,
    judge: Judge | None,
) -> dict[str, list[JudgeVerdict | None]]:
    """``{label: per-sample verdict}``; None where the sample lacks what the metric needs.

    A label that applies to no sample at all (e.g. gold-answer metrics on a corpus without answers)
    is left out, so every row of a run carries the same metric keys.
    """
    results: dict[str, list[JudgeVerdict | None]] = {}
    for label in metrics:
        scorer = judge if MENU[label].judged else offline
        if scorer is None:
            raise ConfigError(f"{label} needs an LLM judge; none is configured")
        if label not in scorer.metrics:
            raise ConfigError(f"{label} is not scored by {type(scorer).__name__}; it scores: {', '.join(scorer.metrics)}")
        todo = [i for i, s in enumerate(samples) if applicable(label, s)]
        if not todo:
            continue
        verdicts = scorer.score(label, [samples[i] for i in todo])
        column: list[JudgeVerdict | None] = [None] * len(samples)
        for i, verdict in zip(todo, verdicts, strict=True):
            column[i] = verdict
        results[label] = column
    return results


def answer_rows(
    system: str,
    queries: Sequence[Query],
    hits_by_qid: Mapping[str, Sequence[Hit]],
    corpus: Corpus,
    *,
    generator: Generator,
    metrics: Sequence[str],
    offline: Judge | None = None,
    judge: Judge | None = None,
    template: PromptTemplate | None = None,
    top_k: int = 3,
    console: Console | None = None,
) -> list[Row]:
    """One row per query: ``metrics`` holds each answer metric (None = failed or not applicable, never 0);
    ``meta["answer"]`` holds the answer, gold answers, contexts, and per-metric errors and repeat spread.

    ``offline`` scores ``ctx.*`` / ``answer.*`` (default: ragas' non-LLM metrics); ``judge`` scores ``judge.*``.
    """
    if offline is None:
        from ragshift.adapters.judges.ragas_offline import RagasOfflineScorer

        offline = RagasOfflineScorer()
    template = template or PromptTemplate()
    answers = generate_answers(generator, template, queries, hits_by_qid, corpus, top_k=top_k, console=console)
    samples = build_samples(queries, hits_by_qid, corpus, answers, top_k=top_k)
    scores = score_samples(samples, metrics, offline=offline, judge=judge)
    rows = []
    for i, (query, sample) in enumerate(zip(queries, samples)):
        column = {label: verdicts[i] for label, verdicts in scores.items()}
        rows.append(
            Row(
                system=system, qid=query.qid, query=query.text, query_type=query.query_type, split=query.split,
                metrics={label: (v.value if v is not None else None) for label, v in column.items()},
                hits=tuple(Hit(h.doc_id, h.score, h.chunk_id) for h in hits_by_qid.get(query.qid, [])[:top_k]),
                relevant={d: g for d, g in corpus.qrels.get(query.qid, {}).items() if g > 0},
                meta={**dict(query.meta), "answer": _answer_meta(sample, column)},
            )
        )
    return rows


def _answer_meta(sample: AnswerSample, column: Mapping[str, JudgeVerdict | None]) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "text": sample.response,
        "gold": list(sample.references),
        "contexts": [{"doc_id": d, "text": t} for d, t in zip(sample.context_ids, sample.contexts)],
    }
    errors = {label: v.error or "failed" for label, v in column.items() if v is not None and v.failures}
    skipped = sorted(label for label, v in column.items() if v is None)
    spread = {label: list(v.spread) for label, v in column.items() if v is not None and v.spread}
    failures = {label: v.failures for label, v in column.items() if v is not None and v.failures}
    for key, value in (("errors", errors), ("failures", failures), ("not_applicable", skipped), ("spread", spread)):
        if value:
            meta[key] = value
    return meta


def merge_rows(retrieval: Iterable[Row], answers: Iterable[Row]) -> list[Row]:
    """Retrieval rows with the matching (system, qid) answer row's metrics and ``meta["answer"]`` added."""
    by_key = {(r.system, r.qid): r for r in answers}
    merged = []
    for row in retrieval:
        extra = by_key.pop((row.system, row.qid), None)
        if extra is None:
            merged.append(row)
            continue
        merged.append(replace(row, metrics={**row.metrics, **extra.metrics}, meta={**row.meta, "answer": extra.meta["answer"]}))
    if by_key:
        system, qid = next(iter(by_key))
        raise RagshiftError(f"{len(by_key)} answer rows have no retrieval row, e.g. system {system!r} query {qid!r}")
    return merged


def failure_counts(rows: Iterable[Row]) -> dict[str, dict[str, int]]:
    """``{system: {metric: failed samples}}``: samples whose every attempt failed (value None)."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        answer = row.meta.get("answer", {})
        for label in answer.get("errors", {}):
            if row.metrics.get(label) is None:
                per = counts.setdefault(row.system, {})
                per[label] = per.get(label, 0) + 1
    return counts
