"""``ragshift judge merge SHEET QRELS``: add human relevance judgments from a judging sheet to a qrels file."""

from __future__ import annotations

from pathlib import Path

import typer

from ragshift.harness.cli import app

judge_app = typer.Typer(help="Human relevance judgments: close the holes in the qrels.", no_args_is_help=True)
app.add_typer(judge_app, name="judge")


@judge_app.command("merge")
def merge_command(
    sheet: Path = typer.Argument(..., exists=True, dir_okay=False, help="judging/sheet.jsonl with relevance filled, or the judged.tsv the HTML form saves."),
    qrels: Path = typer.Argument(..., dir_okay=False, help="Qrels TSV to add the judgments to (e.g. corpus/qrels/test.tsv)."),
    replace: bool = typer.Option(False, "--replace", help="Overwrite judgments the qrels already hold with other grades."),
) -> None:
    """Merge judged sheet items into QRELS (written whole; unjudged items are skipped)."""
    from ragshift.harness.cli.common import console, fail_on_user_error
    from ragshift.harness.judging import merge_qrels, read_judgments

    with fail_on_user_error(f"merging {sheet} into {qrels}", "the qrels file as it was"):
        judgments = read_judgments(sheet)
        added, changed = merge_qrels(qrels, judgments, replace=replace)
    console().print(f"{qrels}: {added} judgment(s) added, {changed} replaced ({len(judgments)} in {sheet.name})")
