"""``ragshift compare RUN_DIR``: baseline vs candidate(s) from a run folder; exit 1 on a fail or inconclusive verdict."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import typer

from ragshift.harness.cli import app

VERDICT_STYLE = {"pass": "bold green", "warn": "bold yellow", "inconclusive": "bold magenta", "fail": "bold red"}


class TestKind(str, Enum):
    permutation = "permutation"
    t_test = "t-test"


@app.command("compare")
def compare_command(
    run_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="Run folder written by `ragshift eval`."),
    baseline: str | None = typer.Option(None, "--baseline", "-b", help="Baseline system (default: the first one in rows.jsonl)."),
    candidate: list[str] | None = typer.Option(None, "--candidate", "-c", help="Candidate system; repeat for several (default: all others)."),
    policy: Path | None = typer.Option(None, "--policy", exists=True, dir_okay=False, help="Regression policy (TOML)."),
    test: TestKind = typer.Option(TestKind.permutation, "--test", help="Paired significance test."),
    n_resamples: int = typer.Option(9999, "--n-resamples", min=1, help="Permutation and bootstrap resamples."),
    seed: int | None = typer.Option(None, "--seed", help="Resampling seed (default: the run's seed, else 0)."),
    slice_field: list[str] | None = typer.Option(None, "--slice-field", help="Query field to slice by (default: query_type); repeatable."),
    out: Path | None = typer.Option(None, "--out", "-o", file_okay=False, help="Where to write the report (default: RUN_DIR)."),
) -> None:
    """Compare candidates with the baseline per metric and query slice; write report.html, summary.md, summary.json."""
    from ragshift.harness.cli.common import console, fail_on_user_error
    from ragshift.harness.compare import RegressionPolicy, compare_rows, load_policy
    from ragshift.harness.errors import RagshiftError
    from ragshift.harness.preflight import check_output
    from ragshift.harness.report import build_report, write_report
    from ragshift.harness.rundir import ROWS, RUN_CARD, read_json, read_rows

    with fail_on_user_error(f"comparing {run_dir}", "the run folder as it was (report files are replaced whole, never half-written)"):
        check_output(out, "--out")
        if not (run_dir / ROWS).is_file():
            raise RagshiftError(f"{run_dir}: no {ROWS}; is this a folder written by `ragshift eval`?")
        rows = list(read_rows(run_dir))
        if not rows:
            raise RagshiftError(f"{run_dir / ROWS} holds no rows")
        card: dict[str, Any] = read_json(run_dir, RUN_CARD) if (run_dir / RUN_CARD).is_file() else {}
        comparison = compare_rows(
            rows,
            baseline=baseline or rows[0].system,
            candidates=candidate or None,
            policy=load_policy(policy) if policy else RegressionPolicy(),
            slice_fields=tuple(slice_field or ("query_type",)),
            test=test.value,
            seed=seed if seed is not None else int(card.get("seed") or 0),
            n_resamples=n_resamples,
        )
        report = build_report(rows, card, comparison)
        target = out or run_dir
        paths = write_report(target, report, include_rows=target.resolve() != run_dir.resolve())
    _print_summary(comparison)
    console().print(f"[bold]report[/]: {paths['html']}")
    if comparison.verdict.blocks:
        raise typer.Exit(code=1)


def _print_summary(comparison: Any) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from ragshift.harness.cli.common import console
    from ragshift.harness.report.html import fmt_num, fmt_p, fmt_signed

    for pair in comparison.pairs:
        title = f"{pair.candidate} vs {pair.baseline}"
        if len(comparison.datasets) > 1:
            title += f" ({pair.dataset})"
        table = Table(title=escape(title), title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, show_edge=False)
        for col in ("metric", pair.baseline, pair.candidate, "Δ", "CI", "p adj.", "verdict"):
            table.add_column(escape(col), justify="left" if col in ("metric", "verdict") else "right", no_wrap=True)
        for t in pair.tests:
            if t.slice.label == "all":
                style = VERDICT_STYLE[t.verdict.value]
                table.add_row(
                    escape(t.metric), fmt_num(t.stats.baseline_mean), fmt_num(t.stats.candidate_mean), fmt_signed(t.stats.delta),
                    f"[{fmt_signed(t.stats.ci_low, 3)}, {fmt_signed(t.stats.ci_high, 3)}]", fmt_p(t.p_adjusted),
                    f"[{style}]{t.verdict.value}[/]",
                )
        console().print(table)
    for pair, t in comparison.deciding_problems()[:10]:
        where = f" on {escape(pair.dataset)}" if len(comparison.datasets) > 1 else ""
        console().print(
            f"  [{VERDICT_STYLE[t.verdict.value]}]{t.verdict.value}[/] {escape(pair.candidate)}{where} "
            f"{escape(t.metric)} on {escape(t.slice.label)} (n={t.stats.n}): {escape(t.reason)}"
        )
    if comparison.resolution_warning():
        console().print(f"[yellow]warning:[/] {escape(comparison.resolution_warning())}")
    verdict = comparison.verdict.value
    console().print(f"verdict: [{VERDICT_STYLE[verdict]}]{verdict.upper()}[/]")
