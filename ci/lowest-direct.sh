#!/usr/bin/env bash
# Are the floors in pyproject.toml true? Installs every direct dependency (runtime and dev group) at the
# lowest version its range allows (the rest at the newest compatible) into a venv of its own, then runs
# the static checks and the unit tests there. A failure means a floor must go up. Part of .ci/run (about
# 4 minutes, half of it the unit tests; installs come from uv's machine-level cache).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup-python.sh
# shellcheck source=ci/lib.sh
. ci/lib.sh

venv=${FUNDAMENT_LOWEST_VENV:-build/lowest-direct}
uv=.venv/bin/uv
export UV_PYTHON_DOWNLOADS=never
log "installing the lowest direct versions into $venv"
"$uv" venv --quiet --clear --python "${FUNDAMENT_PYTHON:-python3}" "$venv"
"$uv" pip install --quiet --python "$venv/bin/python" --resolution lowest-direct \
  -e network/napalm-frr -e . --group pyproject.toml:dev
"$uv" pip freeze --python "$venv/bin/python" >"$venv/installed.txt"
log "lowest direct versions: $(grep -c . "$venv/installed.txt") packages, list in $venv/installed.txt"

log "ruff, mypy and the unit tests against them"
"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
"$venv/bin/mypy" --cache-dir "$venv/.mypy_cache"
"$venv/bin/python" -m pytest tests/unit -q -p no:cacheprovider
