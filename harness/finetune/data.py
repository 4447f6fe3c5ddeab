"""Training rows built from the corpus: judged pairs → one data shape per loss, with batch-conflict keys.

Data shapes (dataset column names are what sentence-transformers' losses expect):

* ``mnrl`` (and ``cached-mnrl``, ``gist``, ``cached-gist``): ``anchor, positive[, negative_1..negative_k]``
  — k = ``per_query`` when mining is on;
* ``margin-mse``: ``anchor, positive, negative_1..negative_k`` (mined, else random; k = ``per_query``),
  the teacher's margins are added later as ``label``;
* ``triplet``: ``anchor, positive, negative`` — one row per negative (mined, else random);
* ``cosent`` / ``cosine``: ``sentence_A, sentence_B, score`` — a positive scores grade / max grade,
  a negative (mined, random, or judged 0 in the qrels) scores 0.

Each row also carries two key sets for the in-batch false-negative guard: what it *occupies* (its
exact texts, as sentence-transformers' no-duplicates sampler compares them; its query's near-duplicate
group; the near-duplicate groups of its documents) and what it *forbids*
(the same, plus the groups of every document judged relevant to its query or a near-identical one).
Two rows may share a batch only if neither occupies what the other forbids.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ragshift.harness.corpus.model import Corpus
from ragshift.harness.errors import ConfigError
from ragshift.harness.finetune.similarity import duplicate_groups, normalize_text
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.types import Query

Value = str | float
ROW_LOSSES = ("mnrl", "cached-mnrl", "gist", "cached-gist", "margin-mse")
"""Losses whose rows are (anchor, positive, negatives...)."""
EXAMPLES = 3
RANDOM_TRIES = 100


@dataclass(frozen=True)
class TrainingSet:
    loss: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    occupies: tuple[frozenset[str], ...]
    forbids: tuple[frozenset[str], ...]
    summary: Mapping[str, Any]

    def as_columns(self) -> dict[str, list[Value]]:
        """``{column: values}``, the input of ``datasets.Dataset.from_dict``."""
        return {name: [row[i] for row in self.rows] for i, name in enumerate(self.columns)}

    def __len__(self) -> int:
        return len(self.rows)


def columns_for(loss: str, negatives: int) -> tuple[str, ...]:
    if loss in ROW_LOSSES:
        return ("anchor", "positive", *(f"negative_{i + 1}" for i in range(negatives)))
    if loss == "triplet":
        return ("anchor", "positive", "negative")
    if loss in ("cosent", "cosine"):
        return ("sentence_A", "sentence_B", "score")
    raise ConfigError(f"unknown loss {loss!r}; valid: {', '.join(ROW_LOSSES)}, triplet, cosent, cosine")


def build_training_set(
    corpus: Corpus,
    queries: Sequence[Query],
    *,
    loss: str,
    mined: Mapping[tuple[str, str], Sequence[str]] | None,
    per_query: int,
    seed: int,
    near_duplicate: float,
    duplicate_documents: float,
    positive_texts: Mapping[tuple[str, str], str] | None = None,
) -> TrainingSet:
    """Rows for ``loss`` from the judged pairs of ``queries`` (mined negatives optional).

    ``positive_texts[(qid, doc)]`` replaces the document's text as that pair's positive (pseudo-queries
    whose positive is a crop or the body without the title); batch guards still key on the document.
    """
    docs = corpus.documents
    texts = {d: docs[d].full_text for d in docs}
    overrides = positive_texts or {}

    def positive(q: Query, doc: str) -> str:
        return overrides.get((q.qid, doc), texts[doc])

    queries = sorted(queries, key=lambda q: q.qid)
    judged = {q.qid: dict(corpus.qrels.get(q.qid, {})) for q in queries}
    missing = sum(1 for j in judged.values() for d, g in j.items() if g > 0 and d not in docs)
    pairs = [(q, d, g) for q in queries for d, g in sorted(judged[q.qid].items()) if g > 0 and d in docs]
    if not pairs:
        raise ConfigError("no judged (query, relevant document) pair to train on")
    max_grade = max(g for _, _, g in pairs)

    qgroup = dict(zip((q.qid for q in queries), duplicate_groups([q.text for q in queries], threshold=near_duplicate)))
    involved = sorted({d for _, d, _ in pairs} | {n for ns in (mined or {}).values() for n in ns})
    dgroup = dict(zip(involved, duplicate_groups([texts[d] for d in involved], threshold=duplicate_documents)))

    def dkey(doc: str) -> str:
        return f"d{dgroup[doc]}" if doc in dgroup else f"d:{doc}"

    relevant_keys: dict[int, set[str]] = {}
    for q, d, _ in pairs:
        relevant_keys.setdefault(qgroup[q.qid], set()).add(dkey(d))

    seen: set[tuple[str, str]] = set()
    unique = []
    for q, d, g in pairs:
        key = (normalize_text(q.text), dkey(d))
        if key not in seen:
            seen.add(key)
            unique.append((q, d, g))

    needs_negatives = loss not in ROW_LOSSES or loss == "margin-mse" or mined is not None
    row_shape = loss in ROW_LOSSES
    rng = random.Random(seed)
    pool = sorted(docs)
    counts = {"mined": 0, "random": 0}

    def negatives_for(q: Query, pos: str) -> list[str]:
        chosen = list((mined or {}).get((q.qid, pos), ()))[:per_query]
        counts["mined"] += len(chosen)
        banned = relevant_keys[qgroup[q.qid]]
        for _ in range(RANDOM_TRIES * per_query):
            if len(chosen) >= per_query:
                break
            pick = pool[rng.randrange(len(pool))]
            if judged[q.qid].get(pick, 0) <= 0 and dkey(pick) not in banned and pick not in chosen:
                chosen.append(pick)
                counts["random"] += 1
        if len(chosen) < per_query and row_shape:
            raise ConfigError(
                f"query {q.qid!r}: found only {len(chosen)} of {per_query} negatives; lower hard_negatives.per_query"
            )
        return chosen

    rows: list[tuple[Value, ...]] = []
    row_docs: list[tuple[Query, list[str]]] = []
    scored_negatives: set[tuple[str, str]] = set()
    for q, pos, grade in unique:
        negs = negatives_for(q, pos) if needs_negatives else []
        if row_shape:
            rows.append((q.text, positive(q, pos), *(texts[n] for n in negs)))
            row_docs.append((q, [pos, *negs]))
        elif loss == "triplet":
            for n in negs:
                rows.append((q.text, positive(q, pos), texts[n]))
                row_docs.append((q, [pos, n]))
        else:
            rows.append((q.text, positive(q, pos), grade / max_grade))
            row_docs.append((q, [pos]))
            for n in negs:
                if (q.qid, n) not in scored_negatives:
                    scored_negatives.add((q.qid, n))
                    rows.append((q.text, texts[n], 0.0))
                    row_docs.append((q, [n]))
    judged_zero = 0
    if loss in ("cosent", "cosine"):
        for q in queries:
            for d, g in sorted(judged[q.qid].items()):
                if g <= 0 and d in docs and (q.qid, d) not in scored_negatives:
                    rows.append((q.text, texts[d], 0.0))
                    row_docs.append((q, [d]))
                    judged_zero += 1

    occupies, forbids = [], []
    for row, (q, row_doc_ids) in zip(rows, row_docs):
        exact = {f"t:{text_hash(v)}" for v in row if isinstance(v, str)}
        own = {f"q{qgroup[q.qid]}", *(dkey(d) for d in row_doc_ids), *exact}
        occupies.append(frozenset(own))
        forbids.append(frozenset(own | relevant_keys[qgroup[q.qid]]))

    columns = columns_for(loss, per_query if row_shape and needs_negatives else 0)
    summary = {
        "loss": loss,
        "columns": list(columns),
        "queries": len({q.qid for q, _, _ in pairs}),
        "pairs": len(pairs),
        "duplicates_dropped": len(pairs) - len(unique),
        "missing_documents": missing,
        "rows": len(rows),
        "negatives_mined": counts["mined"],
        "negatives_random": counts["random"],
        "judged_non_relevant_pairs": judged_zero,
        "near_identical_query_groups": len(set(qgroup.values())),
        "examples": [dict(zip(columns, (_clip(v) for v in row))) for row in rows[:EXAMPLES]],
    }
    return TrainingSet(loss, columns, tuple(rows), tuple(occupies), tuple(forbids), summary)


def _clip(value: Value, width: int = 160) -> Value:
    if isinstance(value, str) and len(value) > width:
        return value[: width - 1] + "…"
    return value
