"""``ragshift run``: the whole story — fine-tune on train, evaluate baseline and fine-tuned on test, compare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from ragshift.harness.config import RunConfig
from ragshift.harness.corpus import load_section
from ragshift.harness.run import RunResult, run_eval


def run_story(
    config: RunConfig,
    *,
    output: Path | None = None,
    console: Console | None = None,
    allow_leakage: bool = False,
    wait: float = 0.0,
) -> RunResult:
    """Train (or reuse an up-to-date model directory), then evaluate every embedder plus the new one."""
    from ragshift.harness.finetune.facts import training_facts
    from ragshift.harness.finetune.run import run_finetune
    from ragshift.harness.systems import cached_base_embedder, trained_embedder

    console = console or Console(quiet=True)
    settings = config.require_finetune()
    if allow_leakage:
        settings = settings.model_copy(update={"leakage": "allow"})
    corpus = load_section(config.corpus)
    trained = run_finetune(settings, corpus, base=cached_base_embedder(config), console=console, **finetune_inputs(config))
    candidate = trained_embedder(settings, trained.output)
    name = candidate.name
    evaluated = config.model_copy(update={"embedders": (*config.embedders, candidate)})
    return run_eval(
        evaluated, output=output, console=console, allow_leakage=allow_leakage, training={name: training_facts(trained.record)},
        wait=wait,
    )


def finetune_inputs(config: RunConfig) -> dict[str, Any]:
    """What ``run_finetune`` takes from the rest of the config: the cache folder (generated
    pseudo-queries), and for a forgetting budget the ``[[datasets]]`` sets and ``[policy] max_drop``."""
    from ragshift.harness.finetune.wiseft import GeneralSet

    settings = config.require_finetune()
    general = []
    if settings.forgetting is not None:
        for d in config.datasets:
            corpus = load_section(d)
            general.append(GeneralSet(d.name, corpus, d.split))
    return {"cache_dir": Path(config.cache.path), "general": general, "max_drop": config.policy.max_drop}

