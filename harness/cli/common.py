"""Shared CLI helpers: one console, user errors printed as one line with exit code 2."""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Iterator

import typer
from rich.console import Console
from rich.markup import escape

from harness.errors import RagshiftError
from harness.runtime import prepare_environment


@lru_cache(maxsize=1)
def console() -> Console:
    probe = Console()
    # Piped output (CI logs) gets 120 columns instead of rich's 80, so tables are not truncated.
    return Console(highlight=False, soft_wrap=True, width=None if probe.is_terminal else max(probe.width, 120))


@contextlib.contextmanager
def fail_on_user_error() -> Iterator[None]:
    """Turn a RagshiftError into a clean message and exit code 2 (no traceback)."""
    prepare_environment()
    try:
        yield
    except RagshiftError as exc:
        Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(code=2) from None
