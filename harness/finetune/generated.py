"""doc2query pseudo-queries: any :class:`~ragshift.harness.protocols.Generator` writes queries for chunks.

Answers are cached by (source fingerprint, chunk hash) — the fingerprint covers the generator's own
fingerprint, the prompt and ``per_chunk`` — and written after every small batch, so an interrupted
run keeps what it generated. ``time_budget_s`` bounds the time spent on new answers; the chunks it
leaves out are counted. A 135M model on 2 CPU cores writes about one query per 1-2 s.
"""

from __future__ import annotations

import re
import time
from difflib import SequenceMatcher
from collections.abc import Sequence
from typing import Any

from rich.console import Console

from ragshift.harness.finetune.options import GeneratedSource
from ragshift.harness.finetune.pseudo_cache import PseudoQueryCache
from ragshift.harness.finetune.sources import Passage, PseudoPair, sample, source_fingerprint
from ragshift.harness.progress import progress_bar
from ragshift.harness.protocols import Generator

NAME = "generated"
BATCH = 4
MAX_WORDS = 40
COPY_WORDS = 8
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)]|q\d*[:.)]|query\s*\d*\s*[:.)-])\s*", re.IGNORECASE)


def messages(passage: Passage, spec: GeneratedSource) -> list[dict[str, str]]:
    text = passage.full_text[: spec.max_passage_chars]
    return [{"role": "system", "content": spec.system}, {"role": "user", "content": spec.user.format(passage=text, n=spec.per_chunk)}]


def parse_queries(answer: str, passage: Passage, *, limit: int) -> list[str]:
    """Up to ``limit`` distinct query lines: bullets, numbering and quotes stripped; a line that is
    empty, one word, longer than MAX_WORDS, or a copied stretch of the passage (COPY_WORDS+ words) is dropped."""
    out: list[str] = []
    for line in answer.splitlines():
        text = _BULLET.sub("", line).strip().strip("\"'“”").strip()
        words = text.split()
        copied = _longest_shared_run(words, passage.full_text.split()) >= COPY_WORDS
        if len(words) < 2 or len(words) > MAX_WORDS or copied:
            continue
        if text.casefold() not in {q.casefold() for q in out}:
            out.append(text)
        if len(out) == limit:
            break
    return out


def _longest_shared_run(words: list[str], passage: list[str]) -> int:
    """Length of the longest run of words the query shares with the passage (case and punctuation aside)."""
    a = [re.sub(r"\W", "", w.casefold()) for w in words]
    b = [re.sub(r"\W", "", w.casefold()) for w in passage]
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def generated_pairs(
    spec: GeneratedSource,
    passages: Sequence[Passage],
    *,
    generator: Generator,
    cache: PseudoQueryCache,
    seed: int,
    console: Console | None = None,
) -> tuple[list[PseudoPair], dict[str, Any]]:
    """Pseudo-queries for a seeded sample of ``passages``; returns the pairs and the counts."""
    fingerprint = source_fingerprint(NAME, spec.model_dump(mode="json", exclude={"generator", "max_chunks", "time_budget_s"}),
                                     0, extra=generator.fingerprint())
    chosen = sample(passages, spec.max_chunks, seed=[seed, NAME])
    answers = cache.get(fingerprint, [p.hash for p in chosen])
    cached = sum(p.hash in answers for p in chosen)
    todo = [p for p in chosen if p.hash not in answers]
    started, generated, skipped = time.perf_counter(), 0, 0
    bar = progress_bar(console) if console is not None and not console.quiet and todo else None
    task = bar.add_task("pseudo-queries (generated)", total=len(todo)) if bar else None
    if bar:
        bar.start()
    try:
        for start in range(0, len(todo), BATCH):
            if spec.time_budget_s is not None and time.perf_counter() - started >= spec.time_budget_s:
                skipped = len(todo) - start
                break
            batch = todo[start : start + BATCH]
            fresh = dict(zip((p.hash for p in batch), generator.generate([messages(p, spec) for p in batch])))
            cache.put(fingerprint, fresh)
            answers.update(fresh)
            generated += len(batch)
            if bar:
                bar.update(task, advance=len(batch))
    finally:
        if bar:
            bar.stop()
    seconds = time.perf_counter() - started
    pairs, unparsable = [], 0
    for p in chosen:
        if p.hash not in answers:
            continue
        queries = parse_queries(answers[p.hash], p, limit=spec.per_chunk)
        unparsable += not queries
        pairs += [PseudoPair(NAME, p.chunk_id, p.doc_id, q, p.full_text) for q in queries]
    stats = {
        "chunks_usable": len(passages),
        "chunks_used": len(chosen) - skipped,
        "pairs": len(pairs),
        "cached": cached,
        "generated": generated,
        "skipped_time_budget": skipped,
        "unparsable_answers": unparsable,
        "generation_seconds": round(seconds, 1),
        "seconds_per_answer": round(seconds / generated, 2) if generated else None,
        "generator": dict(generator.describe()).get("kind", type(generator).__name__),
        "fingerprint": fingerprint,
    }
    return pairs, stats
