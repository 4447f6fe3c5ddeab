"""Second opinions on mined negatives: a cross-encoder must rank every kept negative below all positives."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.embedders.packaged import resolve_model
from harness.finetune.negatives import NegativeCheck


def cross_encoder_check(name: str) -> NegativeCheck:
    """A mining ``check`` that drops a candidate the cross-encoder scores as high as the weakest positive."""
    from sentence_transformers import CrossEncoder

    model = CrossEncoder(resolve_model(name), device="cpu")

    def check(query: str, positives: Sequence[str], candidates: Sequence[str]) -> list[bool]:
        scores = model.predict([(query, text) for text in [*positives, *candidates]], show_progress_bar=False)
        floor = min(scores[: len(positives)])
        return [bool(s < floor) for s in scores[len(positives) :]]

    return check
