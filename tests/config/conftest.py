"""Helpers for config tests: write a config file under tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """``write(text, name="cfg.toml")`` -> the path of a config file in ``tmp_path/configs``."""

    def _write(text: str, name: str = "cfg.toml") -> Path:
        path = tmp_path / "configs" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def minimal() -> str:
    """The smallest valid config: a corpus path and one embedder (so keys can be appended to it)."""
    return '[corpus]\npath = "data"\n\n[[embedders]]\nname = "base"\n'
