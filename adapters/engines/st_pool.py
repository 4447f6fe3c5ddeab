"""The local engine over sentence-transformers' multi-process pool: one model copy per process.

Each batch of ``batch_size`` texts is split evenly over the processes (``encode(..., pool=...,
chunk_size=...)``), so every process works on every batch and batches are written as they finish.
The vectors are the single-process ones up to float rounding (each process pads its own share).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


class PoolEngine:
    """``processes`` copies of a sentence-transformers model (``devices``: default that many CPUs)."""

    def __init__(self, embedder: SentenceTransformerEmbedder, processes: int, *, devices: Sequence[str] | None = None) -> None:
        if processes < 1:
            raise ValueError(f"processes must be >= 1, got {processes}")
        self.embedder = embedder
        self.devices = list(devices or ["cpu"] * processes)

    def embed(self, items: Sequence[tuple[str, str]], *, batch_size: int) -> Iterator[tuple[list[str], np.ndarray]]:
        if not items:
            return
        share = math.ceil(batch_size / len(self.devices))
        with _threads_each(len(self.devices)):
            pool = self.embedder.start_pool(self.devices)
        try:
            for at in range(0, len(items), batch_size):
                part = items[at : at + batch_size]
                vectors = self.embedder.embed_documents_in_pool([t for _, t in part], pool, chunk_size=share)
                yield [key for key, _ in part], vectors
        finally:
            from sentence_transformers import SentenceTransformer

            SentenceTransformer.stop_multi_process_pool(pool)

    def describe(self) -> Mapping[str, Any]:
        return {"engine": "local", "processes": len(self.devices), "devices": list(self.devices)}


@contextmanager
def _threads_each(processes: int) -> Iterator[None]:
    """Spawned workers read their thread count from the environment: split the cores between them."""
    saved = {name: os.environ.get(name) for name in _THREAD_VARIABLES}
    threads = str(max(1, (os.cpu_count() or 1) // processes))
    os.environ.update({name: saved[name] or threads for name in _THREAD_VARIABLES})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
