"""Uses of a cross-encoder teacher in training: false-negative checks, pair scores, MarginMSE labels.

The teacher is a ``CrossScorer`` (``ragshift.harness.protocols``); :func:`ragshift.adapters.training.teacher.build_teacher`
makes one from ``[finetune.teacher]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from rich.console import Console

from ragshift.harness.finetune.data import TrainingSet
from ragshift.harness.finetune.negatives import NegativeCheck
from ragshift.harness.progress import progress_bar
from ragshift.harness.protocols import CrossScorer

BATCH = 64
LABEL = "label"


def activate(scores: Sequence[float] | np.ndarray, activation: str) -> np.ndarray:
    """``sigmoid``: logits -> (0, 1); ``none``: as they are. Non-finite scores are an error."""
    raw = np.asarray(scores, dtype=np.float64)
    if not np.all(np.isfinite(raw)):
        raise ValueError("the teacher returned a non-finite score")
    return 1.0 / (1.0 + np.exp(-raw)) if activation == "sigmoid" else raw


def score_pairs(
    teacher: CrossScorer,
    pairs: Sequence[tuple[str, str]],
    *,
    activation: str,
    console: Console | None = None,
    what: str = "teacher scores",
) -> np.ndarray:
    """Activated teacher scores of ``pairs`` (each distinct pair scored once), with a progress bar."""
    unique = list(dict.fromkeys(pairs))
    bar = progress_bar(console) if console is not None and not console.quiet and len(unique) > BATCH else None
    task = bar.add_task(what, total=len(unique)) if bar else None
    if bar:
        bar.start()
    scores: list[float] = []
    try:
        for start in range(0, len(unique), BATCH):
            batch = unique[start : start + BATCH]
            got = list(teacher.score(batch))
            if len(got) != len(batch):
                raise ValueError(f"the teacher returned {len(got)} scores for {len(batch)} pairs")
            scores += got
            if bar:
                bar.update(task, advance=len(batch))
    finally:
        if bar:
            bar.stop()
    by_pair = dict(zip(unique, activate(scores, activation))) if unique else {}
    return np.array([by_pair[p] for p in pairs], dtype=np.float64)


def teacher_check(teacher: CrossScorer, *, activation: str = "none") -> NegativeCheck:
    """A mining ``check``: keep a candidate only if the teacher scores it below the weakest positive."""

    memo: dict[tuple[str, str], float] = {}  # a query's positives are asked about again for every candidate batch

    def check(query: str, positives: Sequence[str], candidates: Sequence[str]) -> list[bool]:
        pairs = [(query, t) for t in [*positives, *candidates]]
        todo = [p for p in dict.fromkeys(pairs) if p not in memo]
        if todo:
            memo.update(zip(todo, score_pairs(teacher, todo, activation=activation).tolist()))
        floor = min(memo[p] for p in pairs[: len(positives)])
        return [bool(memo[p] < floor) for p in pairs[len(positives) :]]

    return check


def with_margins(
    training_set: TrainingSet, teacher: CrossScorer, *, activation: str, console: Console | None = None
) -> TrainingSet:
    """MarginMSE labels: per row ``teacher(q, positive) - teacher(q, negative_i)`` (a list for several negatives)."""
    negatives = [c for c in training_set.columns if c.startswith("negative_")]
    if not negatives:
        raise ValueError("margin labels need rows with negatives (anchor, positive, negative_1, ...)")
    index = {c: i for i, c in enumerate(training_set.columns)}
    pairs = [
        (str(row[index["anchor"]]), str(row[index[c]])) for row in training_set.rows for c in ("positive", *negatives)
    ]
    scores = score_pairs(teacher, pairs, activation=activation, console=console, what="teacher margins").reshape(
        len(training_set.rows), 1 + len(negatives)
    )
    margins = scores[:, :1] - scores[:, 1:]
    labels: list[Any] = [float(m[0]) for m in margins] if len(negatives) == 1 else [[float(x) for x in m] for m in margins]
    summary = dict(training_set.summary)
    summary["columns"] = [*training_set.columns, LABEL]
    summary["teacher_margin_mean"] = round(float(margins.mean()), 4) if len(margins) else None
    summary["teacher_margin_negative_share"] = round(float((margins < 0).mean()), 4) if len(margins) else None
    return replace(
        training_set,
        columns=(*training_set.columns, LABEL),
        rows=tuple((*row, label) for row, label in zip(training_set.rows, labels)),
        summary=summary,
    )
