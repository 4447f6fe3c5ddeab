"""Run folders: safe names only, modes from the umask, leftovers of killed writers cleaned, never a live one's."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from errors_workspace import Workspace, config_text, invoke

from ragshift.harness.errors import RagshiftError
from ragshift.harness.paths import safe_name
from ragshift.harness.rundir import StagedRun, remove_stale_staging

HOST = safe_name(socket.gethostname(), "host").replace(".", "-").replace("_", "-")
HOUR_AGO = time.time() - 3600


def aged(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "rows.jsonl").write_text("{}\n")
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize("run_id", ["../escaped", "a/b", "..", ".hidden", "", "x" * 101])
def test_unsafe_run_ids_are_refused_before_anything_is_written(tmp_path, run_id):
    with pytest.raises(RagshiftError, match="is not a safe folder name"):
        StagedRun(tmp_path / "reports", run_id)
    assert list(tmp_path.iterdir()) == []


def test_a_config_file_name_becomes_a_safe_run_name(workspace: Workspace):
    config = workspace.write("my run (v2)..toml", config_text().replace('name = "good"\n', ""))
    assert invoke("eval", config).exit_code == 0
    assert [p.name.rsplit("-", 1)[0] for p in workspace.run_folders()] == ["my-run-v2"]


def test_run_folder_and_reports_follow_the_umask(workspace: Workspace):
    two = workspace.write("two.toml", config_text(extra='[[embedders]]\nname = "few"\nkind = "testing.keyword"\nvocabulary = ["scanner"]\n'))
    old = os.umask(0o022)
    try:
        assert invoke("eval", two).exit_code in (0, 1)
        run = workspace.run_folders()[0]
        assert invoke("compare", run, "--out", workspace.root / "cmp", "--n-resamples", "99").exit_code in (0, 1)
    finally:
        os.umask(old)
    assert stat.S_IMODE(run.stat().st_mode) == 0o755
    entries = [*run.rglob("*"), *(workspace.root / "cmp").rglob("*")]
    assert {p.name for p in entries} >= {"rows.jsonl", "run_card.json", "report.html", "summary.md", "summary.json"}
    want = {str(p): "0o755" if p.is_dir() else "0o644" for p in entries}  # folders (e.g. judging/) 0755, files 0644
    assert {str(p): oct(stat.S_IMODE(p.stat().st_mode)) for p in entries} == want


def test_stale_staging_is_removed_and_live_or_foreign_staging_kept(tmp_path):
    reports = tmp_path / "reports"
    gone = dead_pid()
    stale = aged(reports / f".demo-1a2b3c.{HOST}-{gone}.k2j4h5g6.tmp")
    legacy = aged(reports / ".demo-1a2b3c.x7y8z9w0.tmp")  # written before the pid was part of the name
    live = aged(reports / f".demo-1a2b3c.{HOST}-{os.getpid()}.abcdefgh.tmp")
    foreign = aged(reports / f".demo-1a2b3c.other-host-{gone}.abcdefgh.tmp")
    young = reports / f".demo-1a2b3c.{HOST}-{gone}.youngone.tmp"
    young.mkdir()
    assert sorted(remove_stale_staging(reports)) == sorted([stale, legacy])
    assert live.is_dir() and foreign.is_dir() and young.is_dir()


def test_a_publish_cut_short_gets_its_old_folder_back(tmp_path):
    reports = tmp_path / "reports"
    moved_aside = aged(reports / ".demo-1a2b3c.old")
    assert remove_stale_staging(reports) == []  # its ctime is now: it may be a live publish's
    remove_stale_staging(reports, minutes=-1)  # (ctime cannot be set back; a cutoff in the future stands in)
    assert (reports / "demo-1a2b3c" / "rows.jsonl").is_file() and not moved_aside.exists()


def test_kill_9_during_publish_leaves_staging_that_the_next_run_removes(workspace: Workspace):
    """A writer killed (SIGKILL) after staging its files, before the rename."""
    code = (
        "import os, signal, sys\n"
        "from ragshift.harness.rundir import StagedRun\n"
        "staged = StagedRun(sys.argv[1], 'good-0123456789')\n"
        "staged.write_json('run_card.json', {'half': True})\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code, str(workspace.root / "reports")], env={**os.environ})
    assert killed.returncode == -9
    (left,) = (workspace.root / "reports").iterdir()
    assert left.name.startswith(".good-0123456789.") and left.name.endswith(".tmp")
    os.utime(left, (HOUR_AGO, HOUR_AGO))
    assert invoke("eval", workspace.good).exit_code == 0
    assert [p.name.split("-")[0] for p in workspace.run_folders()] == ["good"]  # no hidden leftovers


def test_staging_is_named_for_its_writer(tmp_path):
    staged = StagedRun(tmp_path, "demo-1a2b3c")
    assert staged.path.name.startswith(f".demo-1a2b3c.{HOST}-{os.getpid()}.")
    staged.discard()
