"""The label-free part of a training set: every configured source over the corpus's chunks, guarded and filtered.

Order: chunk the corpus → leave out every document judged relevant to an eval or dev query →
(seeded sample) → each source makes (pseudo-query, positive text) pairs → pairs near-identical to an
eval or dev query are dropped (the leakage guard, always on for synthetic pairs: they are cheap to
lose) → the consistency filter → training queries judged relevant to their source *document*, with
the pair's own positive text used in the rows (so batch guards, mining and leakage see real ids).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rich.console import Console

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.finetune.consistency import filter_pairs
from ragshift.harness.finetune.leakage import QueryItem, find_leakage
from ragshift.harness.finetune.options import Sources
from ragshift.harness.finetune.sources import PseudoPair, cheap_pairs, chunk_documents, enabled_cheap, sample
from ragshift.harness.protocols import CrossScorer
from ragshift.harness.protocols import Embedder, Generator
from ragshift.harness.types import Query

PREFIX = "syn:"
SPLIT = "synthetic"


@dataclass(frozen=True)
class PseudoSet:
    queries: tuple[Query, ...] = ()
    qrels: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    positive_texts: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """``(qid, doc_id)`` -> the text a row uses as the positive (a crop, the body without the title, ...)."""
    summary: Mapping[str, Any] = field(default_factory=dict)

    def augment(self, corpus: Corpus) -> Corpus:
        """``corpus`` plus these queries and their judgements (documents unchanged)."""
        clash = sorted(set(corpus.queries) & {q.qid for q in self.queries})
        if clash:
            raise ValueError(f"corpus query ids collide with pseudo-query ids: {', '.join(clash[:5])}")
        return replace(
            corpus,
            queries={**corpus.queries, **{q.qid: q for q in self.queries}},
            qrels={**corpus.qrels, **self.qrels},
        )

    def items(self) -> list[QueryItem]:
        return [QueryItem(q.qid, q.text, frozenset(self.qrels[q.qid])) for q in self.queries]


def build_pseudo_set(
    sources: Sources,
    corpus: Corpus,
    *,
    held_out: Sequence[QueryItem],
    embedder: Embedder,
    seed: int,
    near_duplicate: float,
    generator: Generator | None = None,
    cache: Any = None,
    teacher: CrossScorer | None = None,
    activation: str = "sigmoid",
    console: Console | None = None,
) -> PseudoSet:
    """Pairs from every source in ``sources``; ``held_out`` (eval and dev queries) guard the result."""
    passages = chunk_documents(corpus.documents.values(), chunk_words=sources.chunk_words)
    banned = {d for item in held_out for d in item.positives} if sources.hold_out_positives else set()
    eligible = [p for p in passages if p.doc_id not in banned]
    chosen = sample(eligible, sources.max_chunks, seed=[seed, "chunks"])
    pairs: list[PseudoPair] = []
    per_source: dict[str, dict[str, Any]] = {}
    for name, spec in enabled_cheap(sources):
        made, stats = cheap_pairs(name, spec, chosen, seed=seed)
        pairs += made
        per_source[name] = stats
    if sources.generated is not None:
        from ragshift.harness.finetune.generated import generated_pairs

        if generator is None or cache is None:
            raise ValueError("the generated source needs a generator and a pseudo-query cache")
        made, stats = generated_pairs(sources.generated, chosen, generator=generator, cache=cache, seed=seed, console=console)
        pairs += made
        per_source["generated"] = stats

    leaks = find_leakage([QueryItem(str(i), p.query, frozenset({p.doc_id})) for i, p in enumerate(pairs)],
                         list(held_out), threshold=near_duplicate)
    leaked = {int(o.train_qid) for o in leaks.overlaps}
    for i in leaked:
        entry = per_source[pairs[i].source]
        entry["leakage_dropped"] = entry.get("leakage_dropped", 0) + 1
    pairs = [p for i, p in enumerate(pairs) if i not in leaked]

    if sources.filter is not None:
        pairs, kept = filter_pairs(pairs, spec=sources.filter, passages=passages, embedder=embedder, teacher=teacher,
                                   activation=activation, console=console)
        for name, entry in kept.items():
            per_source[name]["filter"] = entry

    queries, qrels, texts = [], {}, {}
    counter: dict[tuple[str, str], int] = {}
    for p in pairs:
        n = counter[(p.source, p.chunk_id)] = counter.get((p.source, p.chunk_id), -1) + 1
        qid = f"{PREFIX}{p.source}:{p.chunk_id}:{n}"
        queries.append(Query(qid, p.query, split=SPLIT, meta={"source": p.source}))
        qrels[qid] = {p.doc_id: 1}
        texts[(qid, p.doc_id)] = p.positive
    for name in per_source:
        per_source[name]["kept"] = sum(p.source == name for p in pairs)
    summary = {
        "chunks": len(passages),
        "chunks_held_out": len(passages) - len(eligible),
        "chunks_sampled": len(chosen),
        "pairs": len(pairs),
        "sources": per_source,
        "filter": None if sources.filter is None else sources.filter.model_dump(mode="json"),
    }
    return PseudoSet(tuple(queries), qrels, texts, summary)
