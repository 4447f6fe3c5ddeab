"""What an evaluation learns from the models ragshift trained: leakage reports against every evaluated
dataset, which queries' relevant documents the training saw, and the training record for the run card."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ragshift.harness.runcard import TrainingFacts
from ragshift.harness.types import Row

if TYPE_CHECKING:
    from ragshift.harness.config import RunConfig
    from ragshift.harness.datasets import Dataset


def check_leakage(config: RunConfig, datasets: Sequence[Dataset], *, allow: bool) -> dict[str, Any]:
    """Leakage reports of ragshift-trained models (per embedder) against every evaluated dataset."""
    from ragshift.harness.bridge.specs import query_model_dir
    from ragshift.harness.finetune.leakage import check_model

    found: dict[str, Any] = {}
    for spec in config.embedders:
        model_dir = query_model_dir(spec)
        if model_dir is None:
            continue
        for ds in datasets:
            report = check_model(model_dir, ds.corpus, ds.queries, allow=allow)
            if report is not None and (report.overlaps or spec.name not in found):
                found[spec.name] = report.to_json()
    return found


def seen_by_training(config: RunConfig, datasets: Sequence[Dataset]) -> dict[str, dict[str, bool]]:
    """Per dataset and query: does a relevant document of it appear among the training positives of any
    evaluated ragshift-trained model? (Only datasets of the corpus those models were trained on.)"""
    from ragshift.harness.bridge.specs import query_model_dir
    from ragshift.harness.finetune.leakage import seen_positives

    found: dict[str, dict[str, bool]] = {}
    for spec in config.embedders:
        model_dir = query_model_dir(spec)
        if model_dir is None:
            continue
        for ds in datasets:
            marks = seen_positives(model_dir, ds.corpus, ds.queries)
            if marks is not None:
                old = found.setdefault(ds.name, {})
                found[ds.name] = {q: old.get(q, False) or v for q, v in marks.items()}
    return found


def mark_seen(rows: list[Row], seen: Mapping[str, bool] | None) -> list[Row]:
    """Rows with ``meta["train_positive"]`` = ``seen`` / ``unseen`` (unchanged when nothing was trained)."""
    from ragshift.harness.finetune.leakage import TRAIN_POSITIVE

    if not seen:
        return rows
    return [replace(r, meta={**r.meta, TRAIN_POSITIVE: "seen" if seen.get(r.qid) else "unseen"}) for r in rows]


def training_facts(record: Mapping[str, Any]) -> TrainingFacts:
    """The parts of a fine-tune record (``ragshift_finetune.json``) the report shows: curves, training
    set, leakage, flags."""
    curves = record.get("curves", {})
    return TrainingFacts(
        recipe=record.get("recipe_fingerprint"),
        training_set=record.get("training_set", {}),
        leakage=record.get("leakage", {}),
        flags=tuple(curves.get("flags", [])),
        seconds=record.get("seconds"),
        base_fingerprint=record.get("base_fingerprint"),
        fingerprint=record.get("fingerprint"),
        forgetting=record.get("forgetting"),
        curve=tuple({k: p[k] for k in ("epoch", "train", "dev")} for p in curves.get("points", [])),
    )
