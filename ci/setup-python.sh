#!/usr/bin/env bash
# Python side of the set-up: the project venv .venv holding exactly what uv.lock pins (`uv sync --locked`),
# filled from uv's machine-level cache (~/.cache/uv), so a fresh clone installs in seconds once any clone on
# this machine has installed. Needs only python3 (>= 3.11): uv itself, at the version uv.lock pins, goes into
# a venv of its own at machine level, because Debian's Python refuses `pip install` (PEP 668).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/lib.sh
. ci/lib.sh

python_bin=${FUNDAMENT_PYTHON:-python3}
command -v "$python_bin" >/dev/null || die "no $python_bin on PATH: fundament needs Python >= 3.11"
"$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "fundament needs Python >= 3.11; $python_bin is $("$python_bin" --version 2>&1)"

uv_version=$(awk '$0 == "name = \"uv\"" {getline; split($0, v, "\""); print v[2]; exit}' uv.lock)
[[ -n $uv_version ]] || die "uv.lock pins no uv version (the dev group must list uv)"
uv_home=${FUNDAMENT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fundament}/uv-$uv_version
uv=$uv_home/bin/uv
if [[ $("$uv" --version 2>/dev/null) != "uv $uv_version"* ]]; then
  # Debian ships venv's pip bootstrap (ensurepip) in a package of its own.
  "$python_bin" -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
  log "installing uv $uv_version (pinned in uv.lock) into $uv_home: a venv of its own, as PEP 668 asks"
  rm -rf "$uv_home"
  "$python_bin" -m venv "$uv_home"
  "$uv_home/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$uv_version" \
    || die "cannot install uv $uv_version from PyPI"
fi

# Never fetch a Python build from elsewhere: the machine's own interpreter is the one checked above.
export UV_PYTHON_DOWNLOADS=never
log "syncing .venv with uv.lock (uv $uv_version, $("$python_bin" --version))"
"$uv" sync --locked --quiet --python "$python_bin" \
  || die "uv sync failed; if pyproject.toml changed, run 'uv lock' (or .venv/bin/uv lock) and commit uv.lock"
