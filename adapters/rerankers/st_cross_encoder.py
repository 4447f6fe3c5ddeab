"""CrossScorer over a sentence-transformers ``CrossEncoder`` read from a local folder (or a hub id
already in the Hugging Face cache). Scores are the raw relevance logit (no sigmoid)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ragshift.harness.errors import ConfigError, RagshiftError
from ragshift.harness.fingerprint import stable_hash

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

_WEIGHTS = ("*.safetensors", "pytorch_model*.bin")
_TOKENIZER = ("tokenizer.json", "vocab.txt", "merges.txt", "*.model")


class SentenceTransformerCrossEncoder:
    """Loads lazily; the fingerprint hashes the folder's weights, tokenizer and configs (not its location)."""

    def __init__(
        self, model: str | Path, *, max_length: int | None = None, batch_size: int = 32, device: str = "cpu"
    ) -> None:
        self.folder = Path(model).expanduser()
        if not self.folder.is_dir():
            raise ConfigError(f"cross-encoder {str(model)!r} is not a folder; save the model with CrossEncoder.save(folder)")
        self.max_length = max_length
        self.batch_size = batch_size
        self.device = device
        self._model: CrossEncoder | None = None
        self._fingerprint: str | None = None

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        if not pairs:
            return []
        import torch

        model = self._load()
        scores = model.predict(
            [list(p) for p in pairs],
            batch_size=self.batch_size,
            activation_fn=torch.nn.Identity(),
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        if scores.ndim != 1:
            raise RagshiftError(f"{self.folder}: a cross-encoder must output one relevance logit a pair, got shape {scores.shape}")
        out = [float(s) for s in scores]
        if not all(math.isfinite(s) for s in out):
            raise RagshiftError(f"{self.folder}: non-finite cross-encoder score")
        return out

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            from ragshift.adapters.embedders.sentence_transformers import model_files_digest

            self._fingerprint = stable_hash(
                {
                    "cross_scorer": "sentence-transformers",
                    **model_files_digest(self.folder),
                    "max_length": self.max_length,
                    "activation": "none",
                }
            )
        return self._fingerprint

    def describe(self) -> Mapping[str, Any]:
        return {
            "kind": "sentence-transformers-cross-encoder",
            "path": str(self.folder),
            "max_length": self.max_length,
            "scores": "raw logit",
            "fingerprint": self.fingerprint(),
        }

    def _load(self) -> CrossEncoder:
        if self._model is None:
            from sentence_transformers import CrossEncoder

            self.fingerprint()  # pin the file state the weights are read from
            model = CrossEncoder(str(self.folder), device=self.device, local_files_only=True, max_length=self.max_length)
            if model.num_labels != 1:
                raise ConfigError(f"{self.folder}: a relevance cross-encoder has one label, this one has {model.num_labels}")
            self._model = model
        return self._model
