#!/usr/bin/env bash
# actionlint (the GitHub Actions workflow checker) for the pipeline-file tests: not packaged in Debian or
# PyPI, so built from the Go module proxy at the version ci/tools/go.mod pins (go.sum checks it), once per
# version into ~/go/bin/actionlint-<version>, which stays on the machine as the cache. Prints its path.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/lib.sh
. "$here/lib.sh"

version=$(awk '$1 == "github.com/rhysd/actionlint" {print $2}' "$here/tools/go.mod")
[[ -n $version ]] || die "ci/tools/go.mod pins no actionlint"
bin=${GOBIN:-$HOME/go/bin}/actionlint-$version
if [[ ! -x $bin ]]; then
  # shellcheck source=ci/setup-go.sh
  . "$here/setup-go.sh"
  log "building actionlint $version from the Go module proxy into $bin"
  mkdir -p "$(dirname "$bin")"
  (cd "$here/tools" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp.$$" github.com/rhysd/actionlint/cmd/actionlint) \
    || die "building actionlint $version failed"
  mv "$bin.tmp.$$" "$bin"
fi
echo "$bin"
