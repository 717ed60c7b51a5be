#!/usr/bin/env bash
# The test command (README): installs and starts what the tests need, then runs every test, unit and lab.
# Extra arguments go to pytest (e.g. `ci/test.sh tests/unit -x`).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup-python.sh
# shellcheck source=ci/bootstrap-lab.sh
. ci/bootstrap-lab.sh
ci/bootstrap-infra.sh  # the Pulumi CLI and vcsim for tests/lab/test_infra_*.py

# Unit tests first (quick feedback), then the live lab and Docker tests.
full=0
(($#)) || { full=1; set -- tests/unit tests/lab; }

# pytest's status, with "no tests collected" (5) counted as the failure it is.
judge() {
  local status=$1 what=$2
  if ((status == 5)); then
    echo "pytest collected no tests in $what: that is a failure, not a pass" >&2
    return 1
  fi
  return "$status"
}

beside=(tests/lab/test_infra_engine.py tests/lab/test_workplace_image.py tests/lab/test_workplace_machine.py)
if ((full)); then
  # The datacenter engine and the workplace machines run beside the network lab (on 2 cores: 54 min there,
  # against 84 for the lab session), their output held back until the end so the two progress reports do
  # not interleave. Mutation testing of the safety modules whose every mutant the unit tests kill
  # (ci/mutation.py) follows them there: it needs no lab, and run after the lab it took the whole past
  # CI's 90 minutes (2026-12-02).
  beside_log=$(mktemp)
  (
    pytest_status=0
    .venv/bin/python -m pytest -p no:cacheprovider --durations=15 "${beside[@]}" || pytest_status=$?
    judge "$pytest_status" "${beside[*]}" || exit 1
    echo "==> mutation testing: ci/mutation.py --ci --strict"
    .venv/bin/python ci/mutation.py --ci --strict
  ) >"$beside_log" 2>&1 &
  beside_pid=$!
  set -- "$@" "${beside[@]/#/--ignore=}"
fi
set +e
# The slowest tests, so a run that nears CI's limit shows where its time went.
.venv/bin/python -m pytest --durations=30 "$@"
judge $? "tests/unit tests/lab"
status=$?
if ((full)); then
  wait "$beside_pid"
  beside_status=$?
  echo "==> beside the network lab: ${beside[*]}, then mutation testing"
  cat "$beside_log"
  rm -f "$beside_log"
  ((beside_status == 0)) || status=1
fi
set -e
exit "$status"
