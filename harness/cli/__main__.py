"""``python -m ragshift.harness.cli``: the ``ragshift`` command."""

from ragshift.harness.cli import app

if __name__ == "__main__":
    app(prog_name="ragshift")
