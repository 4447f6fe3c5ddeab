"""Fixtures of the fine-tuning tests: the tiny support-desk corpus."""

from __future__ import annotations

import pytest
from finetune_fixtures import make_corpus

from ragshift.harness.corpus.model import Corpus


@pytest.fixture
def corpus() -> Corpus:
    return make_corpus()


@pytest.fixture
def clean_corpus() -> Corpus:
    return make_corpus(leak=False)
