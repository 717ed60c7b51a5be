#!/usr/bin/env bash
# Python side of the set-up: a project venv in .venv, filled from uv's machine-level cache
# (~/.cache/uv), so a fresh clone installs in seconds once any clone on this machine has installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
  echo "==> installing uv (Python package installer) with pip"
  python3 -m pip install --quiet --disable-pip-version-check "uv>=0.4,<1"
fi

python_bin=${FUNDAMENT_PYTHON:-python3}
if ! "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "fundament needs Python >= 3.11; $python_bin is $("$python_bin" --version 2>&1)" >&2
  exit 1
fi

stamp=.venv/.fundament-deps
want=$(cat pyproject.toml network/napalm-frr/pyproject.toml | sha256sum | cut -c1-16)
if [[ ! -x .venv/bin/python || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "==> installing Python dependencies into .venv"
  uv venv --quiet --allow-existing --python "$python_bin" .venv
  uv pip install --quiet --python .venv/bin/python -e network/napalm-frr -e '.[dev]'
  echo "$want" > "$stamp"
fi
