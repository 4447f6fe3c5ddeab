"""Real processes: a reindex killed with SIGKILL resumes without loss or duplicates; two writers on
one store: the second fails clearly (or waits with --wait), and the collection ends up exact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ragshift.harness.config import load_config
from ragshift.harness.errors import StoreBusy
from ragshift.harness.fingerprint import text_hash
from ragshift.harness.shipping import collections as col
from ragshift.harness.datasets import load_dataset
from ragshift.harness.shipping.reindex_job import run_reindex
from ragshift.harness.systems import build_chunker, open_store
from tests.shipping.ship_fixtures import WORDS, write_config, write_corpus

REPO = Path(__file__).resolve().parents[2]

# The real CLI in a child process, with the embedder slowed down so the parent can act mid-run.
SLOW_REINDEX = textwrap.dedent(
    """
    import sys, time
    import ragshift.harness.systems as systems

    real = systems.load_embedder

    class Slow:
        def __init__(self, inner):
            self.inner = inner
        def __getattr__(self, name):
            return getattr(self.inner, name)
        def embed_documents(self, texts):
            time.sleep(float(sys.argv[2]))
            return self.inner.embed_documents(texts)

    systems.load_embedder = lambda *a, **k: Slow(real(*a, **k))
    from ragshift.harness.cli import app
    app(["reindex", sys.argv[1], "-e", "keywords", "--batch-size", "4", *sys.argv[3:]])
    """
)


@pytest.fixture
def setup(tmp_path):
    path = write_config(tmp_path, write_corpus(tmp_path / "corpus"))
    script = tmp_path / "slow_reindex.py"
    script.write_text(SLOW_REINDEX)
    return path, script


def start(script: Path, config: Path, delay: float, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_WAIT_POLICY": "PASSIVE"}
    return subprocess.Popen(
        [sys.executable, str(script), str(config), str(delay), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO,
    )


def wait_for_batches(proc: subprocess.Popen, n: int, timeout: float = 120.0) -> list[str]:
    """Read the child's progress lines until ``n`` batches were written."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith(f"re-embedding {4 * n}/"):
            return seen
    proc.kill()
    pytest.fail("the child never reported its batches:\n" + "".join(seen))


def serving(config):
    store = open_store(config.store)
    names = [c for c in col.list_collections(store) if c.name.startswith("rsx-")]
    return store, names


def test_sigkill_mid_reindex_then_rerun_completes_exactly(setup):
    path, script = setup
    child = start(script, path, 0.3)
    wait_for_batches(child, 3)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    config = load_config(path)
    store, (info,) = serving(config)
    assert info.tags[col.COMPLETE] is False
    written = info.count
    assert 12 <= written < len(WORDS)

    result = run_reindex(config, "keywords")  # the rerun: continues where the killed one stopped
    assert result.collection == info.name
    assert result.stats.unchanged == written and result.stats.embedded == len(WORDS) - written
    index = store.open(info.name)
    corpus = load_dataset(config.corpus).corpus
    chunks = build_chunker(config).chunk(list(corpus.documents.values()))
    hashes = index.hashes()
    assert index.count() == len(hashes) == len(WORDS)  # nothing lost, nothing twice
    assert hashes == {c.chunk_id: text_hash(c.text) for c in chunks}
    assert index.tags[col.COMPLETE] is True


def test_second_writer_fails_clearly_and_a_waiting_one_succeeds(setup):
    path, script = setup
    first = start(script, path, 0.25)
    wait_for_batches(first, 1)
    config = load_config(path)
    with pytest.raises(StoreBusy, match=rf"pid {first.pid} on .*reindex rsx-.*--wait SECONDS"):
        run_reindex(config, "keywords")
    waiting = start(script, path, 0.0, "--wait", "120")
    out, _ = first.communicate(timeout=120)
    assert first.returncode == 0, out
    later, _ = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, later
    assert f"{len(WORDS)} chunks: 0 embedded, {len(WORDS)} already there" in later
    _, (info,) = serving(config)
    assert info.count == len(WORDS) and info.tags[col.COMPLETE] is True
