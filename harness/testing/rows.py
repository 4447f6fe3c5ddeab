"""Deterministic synthetic per-query rows (with hits consistent with their metrics) for tests and demos."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from ragshift.harness.types import DEFAULT_DATASET, Hit, Row

QUERY_TEMPLATES = (
    ("howto", "How do I reset the {thing} password?"),
    ("howto", "how to configure {thing} for SSO"),
    ("errorcode", "{thing} fails with ERR-{num}"),
    ("errorcode", "XR-{num} {thing} error"),
    ("keyword", "{thing} pricing"),
    ("keyword", "{thing} limits API"),
    ("negation", "why does the {thing} not sync without VPN"),
    ("factoid", "What is the maximum upload size of {thing} in version {num} for enterprise tenants on the EU cluster?"),
)
THINGS = ("router", "mailbox", "backup agent", "badge reader", "printer", "VPN client", "wiki", "ledger")
CUTOFFS = (1, 3, 5, 10, 20)


def _metrics(ranks: Sequence[int], n_relevant: int) -> dict[str, float]:
    found = sorted(r for r in ranks if r > 0)
    out = {"ndcg@10": 0.0, "mrr@10": 0.0}
    ideal = sum(1 / math.log2(i + 2) for i in range(min(n_relevant, 10)))
    out["ndcg@10"] = sum(1 / math.log2(r + 1) for r in found if r <= 10) / ideal
    out["mrr@10"] = next((1 / r for r in found if r <= 10), 0.0)
    for k in CUTOFFS:
        out[f"recall@{k}"] = sum(1 for r in found if r <= k) / n_relevant
    return out


def synthetic_rows(
    n_queries: int = 120,
    systems: Mapping[str, float] | None = None,
    *,
    seed: int = 0,
    dataset: str | None = None,
    type_effects: Mapping[str, Mapping[str, float]] | None = None,
    depth: int = 20,
) -> list[Row]:
    """Rows for each system; ``systems`` maps name -> quality (0..1, higher ranks relevant docs higher).

    ``type_effects[system][query_type]`` adds to that system's quality on one query type.
    """
    systems = dict(systems or {"baseline": 0.45, "candidate": 0.55})
    rng = np.random.default_rng(seed)
    rows: list[Row] = []
    queries = []
    for i in range(n_queries):
        qtype, template = QUERY_TEMPLATES[i % len(QUERY_TEMPLATES)]
        text = template.format(thing=THINGS[(i // len(QUERY_TEMPLATES)) % len(THINGS)], num=100 + i)
        relevant = {f"doc-{i}-r{j}": 1 + (j == 0) for j in range(1 + (i % 3 == 0))}
        queries.append((f"q{i:04d}", text, qtype, relevant, rng.random(len(systems))))
    for s_index, (name, quality) in enumerate(systems.items()):
        for qid, text, qtype, relevant, noise in queries:
            q = quality + (type_effects or {}).get(name, {}).get(qtype, 0.0)
            p = float(np.clip(q, 0.02, 0.98))
            u = (noise[s_index] + noise[0]) / 2  # correlated across systems, like real paired data
            ranks = [int(np.ceil(np.log1p(-min(u, 0.999)) / np.log1p(-p))) + j for j in range(len(relevant))]
            ranks = [r if r <= depth else 0 for r in ranks]
            hits = [f"{qid}-d{j}" for j in range(depth)]
            for doc, r in zip(relevant, ranks):
                if r:
                    hits[r - 1] = doc
            rows.append(
                Row(
                    system=name, qid=qid, query=text, query_type=qtype, split="test",
                    metrics=_metrics(ranks, len(relevant)),
                    hits=tuple(Hit(d, round(1 - j / depth, 4)) for j, d in enumerate(hits)),
                    relevant=relevant,
                    dataset=dataset or DEFAULT_DATASET,
                )
            )
    return rows


def rows_with_deltas(
    baseline: Sequence[float],
    deltas: Sequence[float],
    *,
    metric: str = "ndcg@10",
    query_types: Sequence[str] = ("howto", "errorcode", "keyword", "negation", "factoid"),
    systems: tuple[str, str] = ("baseline", "candidate"),
    dataset: str = DEFAULT_DATASET,
) -> list[Row]:
    """Rows of two systems on one metric: query ``i`` scores ``baseline[i]`` and ``baseline[i] + deltas[i]``
    (query types cycle through ``query_types``). For reproducing a comparison from its per-query numbers."""
    if len(baseline) != len(deltas):
        raise ValueError(f"{len(baseline)} baseline values but {len(deltas)} deltas")
    rows = []
    for name, shift in zip(systems, (0.0, 1.0)):
        for i, (value, delta) in enumerate(zip(baseline, deltas)):
            qtype = query_types[i % len(query_types)] if query_types else None
            rows.append(Row(name, f"q{i:04d}", f"query {i} ({qtype})", qtype, "test",
                            {metric: float(value) + shift * float(delta)}, dataset=dataset))
    return rows
