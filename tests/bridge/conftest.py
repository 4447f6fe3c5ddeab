"""Fixtures of the bridge tests: a keyword space, a rotated copy of it, and texts to fit on."""

from __future__ import annotations

import pytest
from bridge_fixtures import VOCAB, texts

from ragshift.harness.testing.embedders import KeywordEmbedder
from ragshift.harness.testing.rotated import RotatedEmbedder


@pytest.fixture
def old() -> KeywordEmbedder:
    return KeywordEmbedder(VOCAB)


@pytest.fixture
def rotated(old: KeywordEmbedder) -> RotatedEmbedder:
    return RotatedEmbedder(old, seed=7)


@pytest.fixture
def sample_texts() -> list[str]:
    return texts(200, seed=1)
