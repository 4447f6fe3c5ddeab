"""A run folder of two keyword embedders over the tiny corpus, built once per module by ``ragshift eval``."""

from __future__ import annotations

import pytest
from app_fixtures import KEYWORD_SUITE, suite_config, write_corpus


@pytest.fixture(scope="module")
def keyword_suite(tmp_path_factory):
    """A run folder of two keyword embedders over the tiny corpus: (config path, RunResult)."""
    from ragshift.harness.config import load_config
    from ragshift.harness.run import run_eval

    root = tmp_path_factory.mktemp("app")
    write_corpus(root / "corpus")
    path = suite_config(root, KEYWORD_SUITE, compare={"n_resamples": 99})
    return path, run_eval(load_config(path))
