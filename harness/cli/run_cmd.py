"""``ragshift run CONFIG``: fine-tune, evaluate baseline and fine-tuned on held-out queries, compare."""

from __future__ import annotations

from pathlib import Path

import typer

from ragshift.harness.cli import app


@app.command("run")
def run_command(
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="Run config with a \\[finetune] section."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Override \\[run] output folder."),
    allow_leakage: bool = typer.Option(
        False, "--allow-leakage", help="Evaluate even where train and eval queries overlap (shown in red)."
    ),
    wait: float = typer.Option(
        0.0, "--wait", min=0, help="Seconds to wait for another writer of the store (reindex, eval) before failing."
    ),
) -> None:
    """Fine-tune on train, evaluate baseline and fine-tuned on the eval split, compare, report.

    Training is skipped when the model directory is up to date with the recipe. Exits 1 when the
    regression policy's verdict is fail (or inconclusive).
    """
    from ragshift.harness.cli.common import console, fail_on_user_error, load_checked
    from ragshift.harness.workflow import run_story

    with fail_on_user_error():
        cfg = load_checked(config, output=output, finetune=True)
        result = run_story(cfg, output=output, console=console(), allow_leakage=allow_leakage, wait=wait)
    console().print(f"[bold green]report[/]: {result.report_path}")
    if result.verdict in ("fail", "inconclusive"):
        raise typer.Exit(code=1)
