"""One real MiniLM per test session, handed to every SentenceTransformerEmbedder a test builds."""

from __future__ import annotations

from pathlib import Path

import pytest

import ragshift.adapters.embedders.sentence_transformers as st_adapter


@pytest.fixture(scope="session")
def minilm_model(minilm_path):
    """The packaged all-MiniLM-L6-v2, loaded once (importing sentence-transformers costs seconds)."""
    return st_adapter.load_model(minilm_path, device="cpu", local=True)


@pytest.fixture
def shared_minilm(minilm_model, minilm_path, monkeypatch):
    """Make ``load_model`` return the session's model for the packaged path (and nothing else)."""

    def load(source: str, *, device: str, local: bool):
        if Path(source).resolve() != Path(minilm_path).resolve():
            raise AssertionError(f"test tried to load another model: {source}")
        return minilm_model

    monkeypatch.setattr(st_adapter, "load_model", load)
    max_seq_length = minilm_model.max_seq_length
    yield minilm_model
    minilm_model.max_seq_length = max_seq_length
