"""Ctrl-C says what it interrupted and what was kept (exit 130); eval writes a collection under the
store's write lock (the one ``reindex`` holds) and reads a complete one without it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from errors_workspace import Workspace, invoke
from filelock import FileLock, Timeout

from ragshift.adapters.stores.locks import folder_write_lock
from ragshift.harness.rundir import StagedRun
from ragshift.harness.testing.embedders import KeywordEmbedder

STORE = Path(".ragshift") / "chroma"


def store_lock(workspace: Workspace) -> FileLock:
    store = workspace.root / STORE
    return FileLock(str(store.with_name(store.name + ".write.lock")))


def test_ctrl_c_while_indexing_names_the_stage_and_what_was_kept(workspace: Workspace, monkeypatch):
    def interrupt(self, texts):
        raise KeyboardInterrupt

    monkeypatch.setattr(KeywordEmbedder, "embed_documents", interrupt)
    result = invoke("eval", workspace.good)
    assert result.exit_code == 130
    assert "interrupted during indexing corpus with keywords; kept: the vectors embedded so far" in result.output
    assert "no run folder was written" in result.output
    assert workspace.run_folders() == []


def test_ctrl_c_while_publishing_leaves_no_staging(workspace: Workspace, monkeypatch):
    def interrupt(self, rows):
        raise KeyboardInterrupt

    monkeypatch.setattr(StagedRun, "write_rows", interrupt)
    result = invoke("eval", workspace.good)
    assert result.exit_code == 130
    assert "interrupted during publishing good-" in result.output
    assert "kept: the earlier run folder of this run id, if any" in result.output
    assert list((workspace.root / "reports").iterdir()) == []


def test_a_real_sigint_exits_130_with_one_line(workspace: Workspace):
    """SIGINT delivered to a real ``ragshift eval`` process while it embeds."""
    marker = workspace.root / "embedding"
    driver = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from ragshift.harness.testing.embedders import KeywordEmbedder\n"
        "def slow(self, texts):\n"
        "    Path(sys.argv[2]).touch()\n"
        "    time.sleep(120)\n"
        "KeywordEmbedder.embed_documents = slow\n"
        "from ragshift.harness.cli import app\n"
        "app(['eval', sys.argv[1]], prog_name='ragshift')\n"
    )
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", driver, str(workspace.good), str(marker)], cwd=workspace.root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marker.exists(), proc.communicate(timeout=30)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == [
        "interrupted during indexing corpus with keywords; kept: the vectors embedded so far (embedding cache) and the "
        "chunks already written to the collection, so a rerun continues from there; no run folder was written"
    ]
    assert "Traceback" not in out + err
    assert invoke("eval", workspace.good).exit_code == 0  # the lock died with the interrupted writer's release


def test_eval_builds_a_collection_under_the_store_write_lock(workspace: Workspace, monkeypatch):
    seen: list[bool] = []
    embed = KeywordEmbedder.embed_documents

    def probing(self, texts):
        try:
            store_lock(workspace).acquire(timeout=0)
        except Timeout:
            seen.append(True)  # held by eval while it writes
        else:
            store_lock(workspace).release()
            seen.append(False)
        return embed(self, texts)

    monkeypatch.setattr(KeywordEmbedder, "embed_documents", probing)
    assert invoke("eval", workspace.good).exit_code == 0
    assert seen and all(seen)


def test_a_complete_collection_is_read_while_another_process_writes(workspace: Workspace):
    assert invoke("eval", workspace.good).exit_code == 0
    with folder_write_lock(workspace.root / STORE, what="reindex rsx-other"):
        result = invoke("eval", workspace.good)
    assert result.exit_code == 0, result.output


def test_eval_wait_outlasts_a_short_writer(workspace: Workspace):
    holding = threading.Event()

    def writer():
        with folder_write_lock(workspace.root / STORE, what="reindex rsx-other"):
            holding.set()
            time.sleep(1.5)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(10)
    try:
        result = invoke("eval", workspace.good, "--wait", "30")
    finally:
        thread.join()
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("wait", ["0", "0.5"])
def test_eval_refuses_while_the_writer_holds_on(workspace: Workspace, wait):
    with folder_write_lock(workspace.root / STORE, what="reindex rsx-other"):
        result = invoke("eval", workspace.good, "--wait", wait)
    assert result.exit_code == 2
    assert f"is being written by another process (pid {os.getpid()}" in result.output
    assert f"waited {float(wait):g} s" in result.output
