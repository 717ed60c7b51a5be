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
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if ((status == 5)); then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
if ((status == 0 && full)); then
  # Mutation testing of the safety modules whose every mutant the unit tests kill (ci/mutation.py).
  echo "==> mutation testing: ci/mutation.py --ci --strict"
  .venv/bin/python ci/mutation.py --ci --strict || exit 1
fi
exit "$status"
