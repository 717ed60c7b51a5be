#!/usr/bin/env bash
# The main job (README): the full pipeline on the sample design, set-up included.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup-python.sh
# shellcheck source=ci/bootstrap-lab.sh
. ci/bootstrap-lab.sh
fundament=.venv/bin/fundament

echo "==> source of truth"
$fundament inventory check
$fundament inventory show
