"""The ``workspace`` fixture of the bad-input tests (helpers in errors_workspace.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from errors_workspace import Workspace, config_text, write_corpus


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    root = tmp_path / "ws"
    write_corpus(root / "corpus")
    (root / "good.toml").write_text(config_text())
    (root / "afile").write_text("a regular file\n")
    monkeypatch.chdir(root)
    return Workspace(root)
