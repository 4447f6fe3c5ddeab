"""``evaluate``: one retriever on one set of judged queries → hits and per-query rows.

The one evaluation step that ``ragshift eval`` / ``run`` (per system and dataset), promote's sample
evaluation and the regression suite's gates (through ``run_eval``) share: retrieve ``depth`` hits
per query, then score every query with the configured metrics (``ir_measures``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping, Sequence

from ragshift.harness.metrics.rows import rows_from_hits
from ragshift.harness.metrics.spec import MetricSpec
from ragshift.harness.protocols import Retriever
from ragshift.harness.types import DEFAULT_DATASET, Hit, Query, Row


@dataclass(frozen=True)
class Evaluation:
    """What one system answered on one dataset, scored."""

    system: str
    dataset: str
    hits: dict[str, list[Hit]]
    rows: list[Row]
    seconds: float
    """Wall time of the retrieval (all queries in one call)."""


def evaluate(
    system: str,
    retriever: Retriever,
    queries: Sequence[Query],
    qrels: Mapping[str, Mapping[str, int]],
    metrics: Sequence[MetricSpec],
    *,
    depth: int,
    dataset: str = DEFAULT_DATASET,
) -> Evaluation:
    """Retrieve ``depth`` hits for every query with ``retriever`` and score them against ``qrels``."""
    t0 = time.perf_counter()
    hits = retriever.retrieve(list(queries), k=depth)
    seconds = time.perf_counter() - t0
    rows = rows_from_hits(system, queries, hits, qrels, metrics, dataset=dataset)
    return Evaluation(system, dataset, dict(hits), rows, seconds)
