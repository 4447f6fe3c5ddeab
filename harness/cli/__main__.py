"""``python -m harness.cli``: the ``ragshift`` command."""

from harness.cli import app

if __name__ == "__main__":
    app(prog_name="ragshift")
