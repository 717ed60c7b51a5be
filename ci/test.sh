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
  # The datacenter engine and the workplace machines run beside the network lab (on 2 cores they took 26 min
  # there, while the lab modules before the migrations took 20), their output held back until the end so
  # the two progress reports do not interleave.
  beside_log=$(mktemp)
  .venv/bin/python -m pytest -p no:cacheprovider "${beside[@]}" >"$beside_log" 2>&1 &
  beside_pid=$!
  set -- "$@" "${beside[@]/#/--ignore=}"
fi
set +e
.venv/bin/python -m pytest "$@"
judge $? "tests/unit tests/lab"
status=$?
if ((full)); then
  wait "$beside_pid"
  beside_status=$?
  echo "==> beside the network lab: ${beside[*]}"
  cat "$beside_log"
  rm -f "$beside_log"
  judge "$beside_status" "${beside[*]}" || status=1
fi
set -e
if ((status == 0 && full)); then
  # Mutation testing of the safety modules whose every mutant the unit tests kill (ci/mutation.py).
  echo "==> mutation testing: ci/mutation.py --ci --strict"
  .venv/bin/python ci/mutation.py --ci --strict || exit 1
fi
exit "$status"
