"""WiSE-FT over real weights: measure every α of the grid, then write the chosen mix into the model directory.

Full fine-tunes mix every floating-point tensor of the state dict, θ = (1 − α)·base + α·tuned
(sentence-transformers' own ``merge(method="linear")`` needs mergekit, which ragshift does not pin;
a linear mix of two state dicts of one architecture is this one line per tensor). Query adapters mix
the map toward the identity; their document vectors never change (numpy only: torch is imported
for full models alone).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ragshift.adapters.training.query_adapter import QueryAdapterEmbedder, read_meta
from ragshift.harness.finetune.config import FinetuneConfig
from ragshift.harness.finetune.evalsets import EvalSets
from ragshift.harness.finetune.wiseft import AlphaChoice, AlphaPoint, choose_alpha, measure, mix_adapter, point
from ragshift.harness.protocols import Embedder


def _mixed(base: Mapping[str, Any], tuned: Mapping[str, Any], alpha: float) -> dict[str, Any]:
    if base.keys() != tuned.keys():
        raise ValueError("base and fine-tuned models have different weights; cannot interpolate")
    return {k: (1 - alpha) * base[k] + alpha * tuned[k] if tuned[k].is_floating_point() else tuned[k] for k in tuned}


def choose_full(
    cfg: FinetuneConfig, model_dir: Path, sets: Mapping[str, EvalSets], alphas: Sequence[float], *, max_drop: float
) -> AlphaChoice:
    """Measure each α on ``sets``, choose, and overwrite ``model_dir``'s weights with the chosen mix (if α < 1)."""
    import torch

    from ragshift.adapters.training.encode import encode, load_model

    model = load_model(str(model_dir), max_seq_length=cfg.max_seq_length)
    tuned = {k: v.detach().clone() for k, v in model.state_dict().items()}
    base = {k: v.detach().clone() for k, v in load_model(cfg.base_model, max_seq_length=cfg.max_seq_length).state_dict().items()}
    points: list[AlphaPoint] = []
    with torch.no_grad():
        for alpha in sorted(alphas):
            model.load_state_dict(_mixed(base, tuned, alpha))
            scores = measure(sets, lambda t: encode(model, t, kind="query"), lambda t: encode(model, t, kind="document"))
            points.append(point(alpha, scores))
        choice = choose_alpha(points, max_drop=max_drop)
        if choice.alpha != 1.0:
            model.load_state_dict(_mixed(base, tuned, choice.alpha))
            model.save(str(model_dir), create_model_card=False)
    return choice


def choose_adapter(
    model_dir: Path, base: Embedder, sets: Mapping[str, EvalSets], alphas: Sequence[float], *, max_drop: float
) -> AlphaChoice:
    """The same for a query adapter: the map moves toward the identity; documents are the base's."""
    adapter = QueryAdapterEmbedder.load(model_dir, base)
    points = []
    for alpha in sorted(alphas):
        weight, bias = mix_adapter(adapter.weight, adapter.bias, alpha)
        mixed = QueryAdapterEmbedder(base, weight, bias)
        points.append(point(alpha, measure(sets, lambda t: mixed.embed_queries(t), lambda t: base.embed_documents(t))))
    choice = choose_alpha(points, max_drop=max_drop)
    if choice.alpha != 1.0:
        meta = {k: v for k, v in read_meta(model_dir).items() if k not in ("base_fingerprint", "dimension")}
        weight, bias = mix_adapter(adapter.weight, adapter.bias, choice.alpha)
        QueryAdapterEmbedder(base, weight, bias).save(model_dir, {**meta, "wiseft_alpha": choice.alpha})
    return choice

