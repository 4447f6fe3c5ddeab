"""The wheel as users install it: one ``ragshift`` package next to an app's own ``adapters`` package.

Builds the wheel, installs it (no dependencies) into a fresh venv whose dependencies come from this
environment (the lock), next to a stand-in for AdapterHub's ``adapters`` distribution; then imports
both, checks the declared dependency ranges against the lock with ``pip check``, and runs a smoke eval
through the installed ``ragshift`` command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    """Run ``command`` as a user of the installed wheel would: without a ``PYTHONPATH`` that puts a
    checkout's top-level ``adapters/`` folder (or its ``ragshift``) ahead of what is installed."""
    kwargs.setdefault("env", {k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def fake_adapterhub(site: Path) -> None:
    """What ``pip install adapters`` (AdapterHub) puts in site-packages, reduced to a marker."""
    (site / "adapters").mkdir()
    (site / "adapters" / "__init__.py").write_text('WHO = "adapterhub"\n')
    info = site / "adapters-1.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: adapters\nVersion: 1.1.0\n")
    (info / "RECORD").write_text("")
    (info / "INSTALLER").write_text("test\n")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    shutil.copytree(REPO, work / "src", ignore=shutil.ignore_patterns(
        ".venv", ".git", ".ragshift", "reports", "models", "bridges", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache"),
        symlinks=True)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", work / "dist", work / "src")
    (wheel,) = (work / "dist").glob("ragshift-*.whl")
    venv = work / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "lock.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # the lock's packages, not re-downloaded
    fake_adapterhub(site)
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel)
    return venv


def test_the_wheel_installs_one_ragshift_package_beside_an_adapters_package(installed: Path) -> None:
    python = installed / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(("ragshift", "harness", "adapters")) and p.is_dir()) == [
        "adapters", "adapters-1.1.0.dist-info", "ragshift", f"ragshift-{_version()}.dist-info"]
    code = (
        "import adapters, ragshift, ragshift.adapters.embedders.factory as f, ragshift.harness.config as c\n"
        "print(adapters.WHO, ragshift.__version__, f.__file__.startswith(ragshift.__path__[0]), sorted(ragshift.__all__)[:3])\n"
    )
    out = run(python, "-c", code, cwd=installed).stdout.split()
    assert out[:3] == ["adapterhub", _version(), "True"]


def test_declared_ranges_accept_the_lock(installed: Path) -> None:
    out = subprocess.run([installed / "bin" / "python", "-m", "pip", "check"], capture_output=True, text=True)
    problems = [line for line in out.stdout.splitlines() if line.startswith("ragshift ")]
    assert problems == [], problems


def test_smoke_eval_through_the_installed_command(installed: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "kb"
    (corpus / "qrels").mkdir(parents=True)
    docs = [("d1", "reset your password in account settings"), ("d2", "the cafeteria serves lunch at noon")]
    (corpus / "corpus.jsonl").write_text("".join(json.dumps({"_id": d, "text": t}) + "\n" for d, t in docs))
    (corpus / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "password reset"}) + "\n"
                                         + json.dumps({"_id": "q2", "text": "when is lunch"}) + "\n")
    (corpus / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
    config = tmp_path / "smoke.toml"
    config.write_text(
        '[corpus]\npath = "kb"\n[chunking]\nstrategy = "none"\n[cost]\nenabled = false\n'
        '[[embedders]]\nname = "keywords"\nkind = "testing.keyword"\nvocabulary = ["password", "reset", "lunch", "noon"]\n'
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ""}
    out = run(installed / "bin" / "ragshift", "eval", config, cwd=tmp_path, env=env)
    assert "report:" in out.stdout
    (run_dir,) = [p for p in (tmp_path / "reports").iterdir() if not p.name.startswith(".")]
    rows = [json.loads(line) for line in (run_dir / "rows.jsonl").read_text().splitlines()]
    assert {r["qid"]: r["metrics"]["ndcg@10"] for r in rows} == {"q1": 1.0, "q2": 1.0}


def _version() -> str:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
