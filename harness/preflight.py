"""Checks run before any work: what would otherwise fail with a traceback after minutes of indexing.

Folders named in the config are checked when it loads (``ragshift.harness.config``); this checks what the
command line adds (``--output``) and every model a command will load, without loading it.
"""

from __future__ import annotations

from pathlib import Path

from ragshift.harness.config import RunConfig
from ragshift.harness.errors import ConfigError, RagshiftError
from ragshift.harness.paths import folder_problem
from ragshift.harness.runtime import prepare_environment


def check_output(output: Path | None, option: str = "--output") -> None:
    """``ConfigError`` when a folder given on the command line cannot be written."""
    if output is not None and (problem := folder_problem(Path(output))):
        raise ConfigError(f"{option} {output}: {problem}")


def check_models(config: RunConfig, source: Path | str, *, finetune: bool = False) -> None:
    """Every model the config names is a model folder, or a hub id that can be loaded (cached when
    offline); with ``finetune`` also ``[finetune]`` base_model and output. ``[run] offline`` is applied
    first, as loading would."""
    prepare_environment(offline=config.run.offline)
    for spec in config.embedders:
        where = f"{source}: [[embedders]] {spec.name!r}"
        if spec.kind == "sentence-transformers":
            _locate(spec.model, where)
        elif spec.kind == "query-adapter" and not Path(spec.model).is_dir():
            problem = "is a file, not" if Path(spec.model).exists() else "is not"
            raise ConfigError(f"{where}: model {spec.model} {problem} a query-adapter folder written by `ragshift finetune`")
    if finetune and config.finetune is None:
        raise ConfigError(f"{source}: this command needs a [finetune] section (see configs/demo.toml)")
    if finetune and config.finetune is not None:
        _locate(config.finetune.base_model, f"{source}: [finetune] base_model")
        if problem := folder_problem(config.finetune.output):
            raise ConfigError(f"{source}: [finetune] output: {problem}")


def _locate(model: str, where: str) -> None:
    from ragshift.adapters.embedders.sentence_transformers import locate_model

    try:
        locate_model(model)
    except RagshiftError as exc:
        raise ConfigError(f"{where}: {exc}") from None
