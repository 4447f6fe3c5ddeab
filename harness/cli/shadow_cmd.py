"""``ragshift shadow CONFIG --log FILE``: replay logged queries through the current and the candidate
retriever; report how much their results differ and how fast each answers."""

from __future__ import annotations

from pathlib import Path

import typer

from ragshift.harness.cli import app


@app.command("shadow")
def shadow_command(
    config: Path = typer.Argument(..., exists=True, dir_okay=False, help="Run config (TOML)."),
    log: Path = typer.Option(..., "--log", exists=True, dir_okay=False, help="Query log: .txt (one query a line) or .jsonl."),
    current: str | None = typer.Option(None, "--current", help="Embedder now in production (default: the config's baseline)."),
    alias: str | None = typer.Option(None, "--alias", "-a", help="Current = what this alias serves now (its collection and recorded model)."),
    candidate: str | None = typer.Option(None, "--candidate", help="Embedder to ship (default: the first other embedder, else the model \\[finetune] trained)."),
    k: int = typer.Option(10, "-k", "--k", min=1, help="Compare the top K documents."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Replay only the first N queries of the log."),
    dedupe: bool = typer.Option(False, "--dedupe", help="Replay each distinct query once (case and spacing ignored)."),
    warmup: int = typer.Option(3, "--warmup", min=0, help="Untimed queries sent to both systems first."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Override \\[run] output folder."),
) -> None:
    """Shadow-test a candidate embedder on real, unlabeled queries.

    Every query is sent alone to both retrievers (order alternating); the report gives overlap@K,
    rank-biased overlap, how far results moved, the queries whose top K changed completely, and
    latency p50/p95 of each side. Labels are not needed, so it says how different, not how good.
    """
    from ragshift.harness.cli.common import console, fail_on_user_error, load_checked
    from ragshift.harness.shipping.shadow_run import shadow_from_config

    out = console()
    with fail_on_user_error():
        cfg = load_checked(config, output=output)
        run = shadow_from_config(
            cfg, log, current=current, candidate=candidate, alias=alias, k=k, limit=limit, dedupe=dedupe,
            warmup=warmup, output=output, console=out,
        )
    for line in summary_lines(run.result.summary):
        out.print(line)
    out.print(f"[bold green]report[/]: {run.report_path}")


def summary_lines(s: dict) -> list[str]:
    """The terminal summary: a few rich-markup lines (system names escaped)."""
    from rich.markup import escape

    def num(v: float | None, fmt: str) -> str:
        return "—" if v is None else format(v, fmt)

    k = s["k"]
    lat = s["latency_ms"]
    return [
        f"shadow [bold]{escape(s['candidate'])}[/] vs current [bold]{escape(s['current'])}[/]: {s['queries']} queries, top {k}",
        f"overlap@{k} {num(s.get(f'mean_overlap@{k}'), '.3f')} · RBO {num(s['mean_rbo'], '.3f')} · "
        f"changed completely {s['changed_completely']} ({num(s['share_changed_completely'], '.1%')}) · "
        f"same top-1 {num(s['share_top1_same'], '.1%')}",
        "latency p50 / p95 ms: " + " · ".join(
            f"{escape(s[side])} {num(lat[side]['p50'], '.1f')} / {num(lat[side]['p95'], '.1f')}" for side in ("current", "candidate")
        ),
    ]
