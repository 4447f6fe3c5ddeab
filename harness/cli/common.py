"""Shared CLI helpers: one console; user errors as one line with exit code 2; Ctrl-C as one line, 130."""

from __future__ import annotations

import contextlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import typer
from rich.console import Console
from rich.markup import escape

from ragshift.harness import stages
from ragshift.harness.errors import RagshiftError
from ragshift.harness.runtime import prepare_environment

if TYPE_CHECKING:
    from ragshift.harness.config import RunConfig

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a Ctrl-C


@lru_cache(maxsize=1)
def console() -> Console:
    probe = Console()
    # Piped output (CI logs) gets 120 columns instead of rich's 80, so tables are not truncated.
    return Console(highlight=False, soft_wrap=True, width=None if probe.is_terminal else max(probe.width, 120))


@contextlib.contextmanager
def fail_on_user_error(what: str = "loading the config", kept: str = stages.NO_RUN_FOLDER) -> Iterator[None]:
    """Turn a RagshiftError into a clean message and exit code 2 (no traceback), and Ctrl-C into
    ``interrupted during <stage>; kept: <what survives>`` and exit code 130. ``what``/``kept`` describe
    the command's first stage; longer commands mark later ones with ``ragshift.harness.stages.enter``."""
    prepare_environment()
    stages.enter(what, kept)
    try:
        yield
    except RagshiftError as exc:
        _stderr().print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt:
        stage = stages.current() or stages.Stage(what, kept)
        _stderr().print(f"[bold yellow]{escape(stage.interrupted())}[/]", soft_wrap=True)
        raise typer.Exit(code=INTERRUPTED) from None


def load_checked(config: Path, *, output: Path | None = None, finetune: bool = False) -> RunConfig:
    """The config, after the checks that need no work: folders it and ``--output`` name, every model."""
    from ragshift.harness.config import load_config
    from ragshift.harness.preflight import check_models, check_output

    cfg = load_config(config)
    check_output(output)
    check_models(cfg, config, finetune=finetune)
    return cfg


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)
