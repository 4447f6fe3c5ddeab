"""``python -m harness.cli``: the ``ragshift`` command."""

from harness.cli import app

app(prog_name="ragshift")
