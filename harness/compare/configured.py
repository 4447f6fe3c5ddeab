"""``compare_configured``: compare rows against a baseline with a run config's ``[compare]`` and ``[policy]``."""

from __future__ import annotations

from typing import Sequence

from ragshift.harness.compare.compare import compare_rows
from ragshift.harness.compare.model import Comparison
from ragshift.harness.config import RunConfig
from ragshift.harness.finetune.leakage import TRAIN_POSITIVE
from ragshift.harness.types import Row


def compare_configured(config: RunConfig, rows: Sequence[Row], *, baseline: str | None = None) -> Comparison:
    """``baseline`` (default: the config's) against every other system in ``rows``.

    Rows marked by a ragshift-trained model's leakage check also slice by ``train_positive``, so the
    gains on documents the training never saw show apart.
    """
    settings = config.compare.settings
    if any(TRAIN_POSITIVE in r.meta for r in rows) and TRAIN_POSITIVE not in settings.slice_fields:
        settings = settings.updated(slice_fields=(*settings.slice_fields, TRAIN_POSITIVE))  # gains on unseen documents only
    return compare_rows(rows, baseline=baseline or config.baseline, policy=config.policy, settings=settings)
