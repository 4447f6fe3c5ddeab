"""sentence-transformers' multi-process pool as the local engine: 2 CPU processes, single-process vectors."""

from __future__ import annotations

import pytest

from ragshift.adapters.embedders.sentence_transformers import SentenceTransformerEmbedder
from ragshift.adapters.engines.st_pool import PoolEngine
from ragshift.harness.testing.engines import EmbeddingEngineContract


@pytest.mark.slow
class TestPoolEngine(EmbeddingEngineContract):
    atol = 1e-5  # each process pads its own share of a batch: equal up to float rounding

    @pytest.fixture
    def make_engine(self, minilm_path):
        embedder = SentenceTransformerEmbedder(minilm_path)  # without a pool it encodes in this process
        return lambda: (PoolEngine(embedder, 2), embedder)
