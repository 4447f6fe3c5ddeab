#!/usr/bin/env bash
# Run a command with a Chroma server on loopback: `chroma run` (this venv's) on a free port in a
# temporary folder, RAGSHIFT_CHROMA_URL pointing at it; the server stops however the command ends
# (exit, failure, Ctrl-C, SIGTERM/SIGHUP) and the command's exit code is returned. `make test` uses it:
#   scripts/with_chroma_server.sh .venv/bin/python -m pytest tests/server
# The start/wait/stop logic is tests/support/chroma_server.py, the same code the tests' fixture uses
# (a test helper, not part of the installed package).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export ANONYMIZED_TELEMETRY="${ANONYMIZED_TELEMETRY:-False}"
exec "$root/.venv/bin/python" "$root/tests/support/chroma_server.py" -- "$@"
