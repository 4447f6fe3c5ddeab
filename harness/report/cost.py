"""Presentation of latency and cost (run card ``cost``) and of "is it worth it?", shared by HTML and Markdown.

Everything here returns plain text (numbers already formatted); the renderers escape it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ragshift.harness.numbers import fmt_duration, is_finite
from ragshift.harness.report.worth import Spend, WorthIt
from ragshift.harness.runcard import RunCard

ICON = {"ok": "✅", "not ok": "❌", "unknown": "❔"}
PILL = {"ok": "pass", "not ok": "fail", "unknown": "info"}


def _get(figures: Mapping[str, Any] | None, *path: str) -> Any:
    value: Any = figures or {}
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def fmt(v: Any, digits: int = 1, unit: str = "") -> str:
    return f"{v:,.{digits}f}{unit}" if is_finite(v) else "—"


def fmt_signed(v: Any, digits: int = 1, unit: str = "") -> str:
    if not is_finite(v):
        return "—"
    v = 0.0 if round(v, digits) == 0 else v  # no "-0.00"
    return f"{v:+,.{digits}f}{unit}"


def fmt_bytes_mb(n: Any) -> str:
    return fmt(n / (1024 * 1024), 1, " MB") if is_finite(n) else "—"


def index_note(figures: Mapping[str, Any]) -> str:
    """What the index-build time measured: a reused collection, a write of cached vectors, or real encoding."""
    build = figures.get("index_build") or {}
    chunks, added, embedded = build.get("chunks"), build.get("added"), build.get("embedded")
    if build.get("reused"):
        return "collection reused: nothing embedded; the time is opening and checking it"
    if added and not embedded:
        return f"{added} of {chunks} chunks written from the embedding cache: the time holds no encoding"
    if added and embedded is not None and embedded < added:
        return f"{added} of {chunks} chunks written, {embedded} of them encoded (the rest from the embedding cache)"
    first = " (the time includes loading the model if this was its first use in the run)"
    if added is not None and chunks is not None and added < chunks:
        return f"collection completed: {added} of {chunks} chunks encoded and written{first}"
    return f"built: {chunks} chunks encoded and written{first}" if chunks is not None else "—"


def target_documents(run_card: RunCard, worth: WorthIt | None = None) -> int | None:
    """The corpus size re-embedding is estimated for: the worth-it one, else ``[cost] corpus_documents``."""
    if worth is not None and worth.spends:
        return worth.spends[0].documents
    value = run_card.corpus_documents
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class CostRow:
    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class CostTable:
    systems: tuple[str, ...]
    rows: tuple[CostRow, ...]
    notes: tuple[str, ...]


def cost_table(cost: Mapping[str, Mapping[str, Any]], systems: Sequence[str], *, documents: int | None = None) -> CostTable:
    """Side-by-side figures of every system that has them (``systems`` gives the order)."""
    names = tuple(s for s in dict.fromkeys([*systems, *cost]) if s in cost)
    per = [cost[s] for s in names]

    def row(label: str, value: Any) -> CostRow:
        return CostRow(label, tuple(value(f) for f in per))

    rows = [
        row("query encode p50 (ms)", lambda f: fmt(_get(f, "query_encode", "p50_ms"), 2)),
        row("query encode p95 (ms)", lambda f: fmt(_get(f, "query_encode", "p95_ms"), 2)),
        row("query latency p50 (ms), encode + search", lambda f: fmt(_get(f, "query_latency", "p50_ms"), 2)),
        row("query latency p95 (ms), encode + search", lambda f: fmt(_get(f, "query_latency", "p95_ms"), 2)),
        row("corpus encode (chunks/s)", lambda f: fmt(_get(f, "corpus_encode", "chunks_per_s"), 1)),
        row("corpus encode (chars/s)", lambda f: fmt(_get(f, "corpus_encode", "chars_per_s"), 0)),
        row("index build", lambda f: fmt_duration(_get(f, "index_build", "seconds"))
            + (" (reused)" if _get(f, "index_build", "reused") else "")),
        row("cold start: new instance + first query", lambda f: fmt_duration(_get(f, "cold_start_s"))),
        row("peak memory above start (RSS)", lambda f: fmt(_get(f, "memory", "peak_above_before_mb"), 1, " MB")),
        row("parameters", lambda f: fmt_bytes_mb(_get(f, "memory", "parameter_bytes"))),
    ]
    if documents:
        from ragshift.harness.report.worth import reembed_seconds

        def estimate(f: Mapping[str, Any]) -> str:
            docs, chunks = _get(f, "corpus", "documents"), _get(f, "corpus", "chunks")
            per_doc = chunks / docs if is_finite(docs) and is_finite(chunks) and docs else None
            seconds = reembed_seconds(documents, chunks_per_document=per_doc, chunks_per_second=_get(f, "corpus_encode", "chunks_per_s"))  # type: ignore[arg-type]
            return fmt_duration(seconds)

        rows.append(row(f"re-embed {documents:,} documents (estimate)", estimate))
    notes = []
    if per:
        sample = per[0].get("sample") or {}
        k = _get(per[0], "query_latency", "k")
        warmup = (f"after {sample.get('warmup')} untimed single-query call(s) per series and one untimed batch"
                  if sample.get("warmup") else "with no warmup")
        notes.append(
            f"Measured on {per[0].get('dataset', 'the corpus')} with a fresh instance of each embedder and no embedding cache: "
            f"{sample.get('queries')} single-query calls over {sample.get('distinct_queries')} distinct queries "
            f"(retrieval: top {k}), {sample.get('chunks')} chunks ({sample.get('distinct_chunks')} distinct) in calls of "
            f"{_get(per[0], 'corpus_encode', 'batch_size')}, {warmup}. Peak memory: resident set size sampled every "
            f"{fmt(_get(per[0], 'memory', 'sample_every_ms'), 0)} ms above the size just before the embedder was built."
        )
    for name, f in zip(names, per):
        notes.append(f"{name} index build: {index_note(f)}.")
        imported = _get(f, "memory", "repeated_after_imports")
        if imported:
            notes.append(f"{name}: the first pass loaded {imported} modules for the first time in this process; it was measured again.")
    return CostTable(names, tuple(rows), tuple(notes))


@dataclass(frozen=True)
class SpendLines:
    candidate: str
    reembed: str
    latency: str
    memory: str


def spend_lines(s: Spend) -> SpendLines:
    """One candidate's switching cost in three sentences of plain text."""
    if s.bridge is not None:
        reembed = s.bridge.sentence()
    elif s.reembed_seconds is None:
        reembed = f"Re-embedding cost unknown: no throughput was measured for {s.candidate}."
    else:
        here = (f"; the evaluated {s.evaluated_documents:,} documents: {fmt_duration(s.evaluated_reembed_seconds)}"
                if s.evaluated_documents is not None else "")
        reembed = (
            f"Re-embedding {s.documents:,} documents with {s.candidate}: ≈ {fmt_duration(s.reembed_seconds)} "
            f"at the measured {fmt(s.chunks_per_second, 1)} chunks/s and {fmt(s.chunks_per_document, 2)} chunks per "
            f"document (measured on the evaluated corpus){here}; one process, as measured."
        )
    b, c = s.query_p50_ms
    eb, ec = s.encode_p50_ms
    latency = (
        f"Query latency p50 (encode + search): {fmt(b, 2)} → {fmt(c, 2)} ms ({fmt_signed(s.query_p50_change_ms, 2, ' ms')}); "
        f"query encode p50: {fmt(eb, 2)} → {fmt(ec, 2)} ms ({fmt_signed(s.encode_p50_change_ms, 2, ' ms')})."
    )
    mb, mc = s.peak_memory_mb
    pb, pc = s.parameter_bytes
    memory = (
        f"Peak memory above start: {fmt(mb, 1)} → {fmt(mc, 1)} MB ({fmt_signed(s.memory_change_mb, 1, ' MB')}); "
        f"parameters: {fmt_bytes_mb(pb)} → {fmt_bytes_mb(pc)}."
    )
    return SpendLines(s.candidate, reembed, latency, memory)


def gain_line(worth: WorthIt, index: int) -> str:
    g = worth.gains[index]
    s = g.stats
    return (
        f"Δ {g.metric} {fmt_signed(s.delta, 4)} ({fmt(s.baseline_mean, 4)} → {fmt(s.candidate_mean, 4)}, n={s.n}), "
        f"{worth.confidence_level:.0%} CI [{fmt_signed(s.ci_low, 4)}, {fmt_signed(s.ci_high, 4)}]"
        f"{', significant' if g.significant and s.delta != 0 else ''}; verdict {g.verdict.upper()}"
    )
