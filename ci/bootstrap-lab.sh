#!/usr/bin/env bash
# Everything `fundament lab` needs on a Debian machine: the Docker engine (bootstrap-docker.sh),
# graphviz for `lab graph`, sshpass for manual logins, and containerlab v0.79.0 (not packaged in Debian
# or PyPI: built from the Go module proxy into ~/go/bin, which stays on the machine as a cache).
# Idempotent; prints the versions it found. Source it (`. ci/bootstrap-lab.sh`) to keep PATH and
# CLAB_VERSION_CHECK in your shell.
set -euo pipefail

CLAB_VERSION=0.79.0
CLAB_MODULE=github.com/srl-labs/containerlab
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { echo "==> $*" >&2; }
die() { echo "bootstrap-lab: $*" >&2; exit 1; }

"$here/bootstrap-docker.sh" graphviz sshpass

export CLAB_VERSION_CHECK=disable
gobin=${GOBIN:-$HOME/go/bin}
export PATH="$gobin:$PATH"

clab_version() { containerlab version 2>/dev/null | awk '/version:/ {print $2; exit}'; }

if [[ $(clab_version) != "$CLAB_VERSION" ]]; then
  command -v go >/dev/null 2>&1 || die "containerlab $CLAB_VERSION is missing and there is no Go toolchain to build it (needs Go >= 1.26)"
  log "building containerlab $CLAB_VERSION with $(go version | cut -d' ' -f3) into $gobin"
  export CGO_ENABLED=0
  # The version is stamped the way containerlab's own release build does it, so `containerlab version`
  # (and this script's check) can tell which build is installed.
  ldflags="-s -w -X $CLAB_MODULE/cmd.Version=$CLAB_VERSION"
  if ! GOBIN=$gobin go install -trimpath -ldflags "$ldflags" "$CLAB_MODULE@v$CLAB_VERSION" 2>/tmp/clab-go-install.log; then
    # go install asks the proxy for @v/list (a deprecation check); some proxies refuse that with 403.
    # Downloading the exact module version and building inside the module cache avoids the list call.
    log "go install failed ($(tail -n1 /tmp/clab-go-install.log)); building from the module cache instead"
    go mod download "$CLAB_MODULE@v$CLAB_VERSION" || die "cannot download containerlab v$CLAB_VERSION from the Go module proxy"
    moddir="$(go env GOMODCACHE)/$CLAB_MODULE@v$CLAB_VERSION"
    (cd "$moddir" && go build -trimpath -ldflags "$ldflags" -o "$gobin/containerlab" .) || die "building containerlab failed"
  fi
  [[ $(clab_version) == "$CLAB_VERSION" ]] || die "containerlab at $(command -v containerlab) reports '$(clab_version)', not $CLAB_VERSION"
fi

log "containerlab $(clab_version) ($(command -v containerlab)), docker $(docker version --format '{{.Server.Version}}'), $(dot -V 2>&1)"
