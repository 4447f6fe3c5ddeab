"""``ragshift bridge CONFIG``: fit a map from a new model's space into the old index's, and write the bridge folder."""

from __future__ import annotations

from pathlib import Path

import typer

from ragshift.harness.cli import app


@app.command("bridge")
def bridge_command(
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="Run config with a \\[bridge] section."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Override \\[bridge] output (the bridge folder)."),
) -> None:
    """Serve a new embedding model from the old model's index: fit a bridge on a sample of the corpus."""
    from ragshift.harness.cli.common import console, fail_on_user_error

    with fail_on_user_error():
        from ragshift.harness.bridge.job import require_bridge, run_bridge
        from ragshift.harness.config import load_config

        cfg = load_config(config)
        require_bridge(cfg)
        result = run_bridge(cfg, output=output, console=console())
    out = console()
    out.print(f"held-out fit ({result.bridge.n} chunks): mean cosine to the old vector · top-{result.bridge.k} neighbours kept · top-1 is itself")
    if result.no_bridge is not None:
        q = result.no_bridge
        out.print(f"  no bridge    {q.mean_cosine:.4f} · {q.neighbours:.3f} · {q.top1:.3f}")
    q = result.bridge
    out.print(f"  {result.record.map['kind']:<12} {q.mean_cosine:.4f} · {q.neighbours:.3f} · {q.top1:.3f}")
    if result.no_bridge is not None and q.mean_cosine < result.no_bridge.mean_cosine:
        out.print("[yellow]warning:[/] on held-out chunks the bridge lands farther from the old vectors than no map at all: "
                  "it fits the sample, not the space (take a larger sample or a simpler map)")
    out.print("[dim]held-out fit is measured on documents; whether queries gain is for `ragshift eval` to say[/]")
    r = result.record
    out.print(f"[bold green]bridge folder[/]: {result.folder}")
    out.print(f"embedder fingerprint {r.fingerprint}; documents: {r.old.name}'s {r.document_fingerprint} (its index serves it)")
    out.print(f'use it: [[embedders]] name = "{r.new.name}-bridged"  kind = "bridged"  model = "{result.folder}"', markup=False)
