"""Loading a sentence-transformers model for training and encoding texts with the model being trained."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from sentence_transformers import SentenceTransformer

from ragshift.adapters.embedders.packaged import resolve_model
from ragshift.adapters.embedders.sentence_transformers import load_model as load_sentence_transformer

BATCH = 64


def load_model(name: str, *, max_seq_length: int | None = None) -> SentenceTransformer:
    """A packaged name, local path or hub id, on CPU (no download for packaged names and paths)."""
    source = resolve_model(name)
    model = load_sentence_transformer(source, device="cpu", local=Path(source).is_dir())
    if max_seq_length is not None:
        model.max_seq_length = max_seq_length
    return model


def encode(model: SentenceTransformer, texts: Sequence[str], *, kind: Literal["query", "document"]) -> np.ndarray:
    """Unit-length float32 vectors, with the model's query or document prompt (if it has one)."""
    fn = model.encode_query if kind == "query" else model.encode_document
    out = fn(list(texts), batch_size=BATCH, show_progress_bar=False, normalize_embeddings=True, convert_to_numpy=True)
    return np.asarray(out, dtype=np.float32)


def column_prompts(model: SentenceTransformer, columns: Sequence[str]) -> dict[str, str] | None:
    """Training prompts per dataset column, matching what ``encode_query`` / ``encode_document`` add."""
    prompts = model.prompts or {}
    mapping = {
        c: prompts.get("query" if c in ("anchor", "sentence_A") else "document") for c in columns if c not in ("score", "label")
    }
    return {c: p for c, p in mapping.items() if p} or None
