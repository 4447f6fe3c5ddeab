"""``ragshift eval CONFIG``: evaluate every configured embedder and write the run folder."""

from __future__ import annotations

from pathlib import Path

import typer

from ragshift.harness.cli import app


@app.command("eval")
def eval_command(
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="Run config (TOML)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Override \\[run] output folder."),
    allow_leakage: bool = typer.Option(
        False, "--allow-leakage", help="Evaluate a fine-tuned model on queries overlapping its training data (shown in red)."
    ),
    wait: float = typer.Option(
        0.0, "--wait", min=0, help="Seconds to wait for another writer of the store (reindex, eval) before failing."
    ),
) -> None:
    """Evaluate the configured embedders; write rows, summary, run card and the HTML report.

    With two or more embedders the first (or the one named by \\[compare] baseline) is compared
    with the others, and the command exits 1 when the regression policy's verdict is fail (or inconclusive).
    """
    from ragshift.harness.cli.common import console, fail_on_user_error, load_checked
    from ragshift.harness.run import run_eval

    with fail_on_user_error():
        cfg = load_checked(config, output=output)
        result = run_eval(cfg, output=output, console=console(), allow_leakage=allow_leakage, wait=wait)
    console().print(f"[bold green]report[/]: {result.report_path}")
    if result.verdict in ("fail", "inconclusive"):
        raise typer.Exit(code=1)
