"""The ``ragshift`` command. Each subcommand lives in its own module and imports heavy code lazily."""

from __future__ import annotations

import typer

from ragshift.harness.runtime import prepare_environment

app = typer.Typer(
    name="ragshift",
    help="Evaluate baseline vs fine-tuned embedders on held-out data and ship the better one safely.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Evaluate baseline vs fine-tuned embedders on held-out data and ship the better one safely."""
    prepare_environment()


def _register() -> None:
    from ragshift.harness.cli import bridge_cmd, compare_cmd, eval_cmd, finetune_cmd, judge_cmd, run_cmd, shadow_cmd, ship_cmd  # noqa: F401  (each registers its command)


_register()
