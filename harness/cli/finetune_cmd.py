"""``ragshift finetune CONFIG``: fine-tune the ``[finetune]`` base model on the corpus's train split."""

from __future__ import annotations

from pathlib import Path

import typer

from ragshift.harness.cli import app


@app.command("finetune")
def finetune_command(
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="Run config with a \\[finetune] section."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Override \\[finetune] output (model directory)."),
    allow_leakage: bool = typer.Option(
        False, "--allow-leakage", help="Train even though train overlaps the eval split (shown in red in the report)."
    ),
    fresh: bool = typer.Option(False, "--fresh", help="Ignore checkpoints of an interrupted run; start over."),
) -> None:
    """Train a sentence-transformers model (or a query-side adapter) and write a loadable model directory."""
    from ragshift.harness.cli.common import console, fail_on_user_error

    with fail_on_user_error():
        from ragshift.harness.cli.common import load_checked
        from ragshift.harness.corpus import load_section
        from ragshift.harness.finetune.run import run_finetune
        from ragshift.harness.systems import cached_base_embedder
        from ragshift.harness.workflow import finetune_inputs

        cfg = load_checked(config, output=output, finetune=True)
        updates = {**({"leakage": "allow"} if allow_leakage else {}), **({"resume": False} if fresh else {})}
        settings = cfg.require_finetune().model_copy(update=updates)
        corpus = load_section(cfg.corpus)
        base = cached_base_embedder(cfg)
        inputs = finetune_inputs(cfg)
        result = run_finetune(settings, corpus, base=base, output=output, console=console(), **inputs)
    from ragshift.harness.finetune.distributed import is_main

    if not is_main():  # under torchrun / accelerate launch rank 0 reports
        return
    if result.leakage["overridden"]:
        console().print("[bold red]leakage override: this model was trained on data overlapping the eval split[/]")
    console().print(f"[bold green]model directory[/]: {result.output}")
