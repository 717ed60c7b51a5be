#!/usr/bin/env bash
# Proof that the built wheel is a self-contained fundament: builds the wheels (fundament and the napalm-frr
# driver it depends on), installs them into a fresh venv outside the checkout at the versions uv.lock pins,
# and runs `fundament inventory check -i <a copy of the sample>` and `fundament net render` from an empty
# folder. Fails if the installed package writes into its own installation (a leftover repository-root
# assumption) or if the render leaves no configs where the README says.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/lib.sh
. ci/lib.sh
ci/setup-python.sh
uv=$PWD/.venv/bin/uv
export UV_PYTHON_DOWNLOADS=never

work=$(mktemp -d /tmp/fundament-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT
start=$SECONDS
log "building the wheels and installing them into $work/venv (outside the checkout)"
"$uv" build --quiet --all-packages --wheel --out-dir "$work/dist"
"$uv" export --quiet --frozen --no-dev --no-emit-workspace --no-hashes -o "$work/pins.txt"
"$uv" venv --quiet --python "${FUNDAMENT_PYTHON:-python3}" "$work/venv"
"$uv" pip install --quiet --python "$work/venv/bin/python" --find-links "$work/dist" -c "$work/pins.txt" fundament
cp -r inventory/design "$work/sample"
mkdir "$work/user"
touch "$work/installed"

cd "$work/user"
fundament=("env" "-u" "FUNDAMENT_INVENTORY" "-u" "FUNDAMENT_BUILD_DIR" "-u" "FUNDAMENT_STATE_DIR" "-u" "PYTHONPATH"
  "$work/venv/bin/fundament")
"${fundament[@]}" inventory check -i "$work/sample"
"${fundament[@]}" net render
configs=$(find build/configs -name '*.cfg' | wc -l)
((configs > 0)) || die "net render wrote no configs under $work/user/build/configs"
written=$(find "$work/venv" -newer "$work/installed" -type f -not -name '*.pyc' | head -5)
[[ -z $written ]] || die "the installed package wrote into its installation: $written"
log "wheel proof passed in $((SECONDS - start)) s: $configs configs rendered from the packaged sample"
