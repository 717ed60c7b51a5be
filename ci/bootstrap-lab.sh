#!/usr/bin/env bash
# Everything `fundament lab` needs on a Debian machine: the Docker engine (bootstrap-docker.sh),
# graphviz for `lab graph`, sshpass for manual logins, patch, and containerlab v0.79.0 (not packaged in Debian
# or PyPI: built from the Go module proxy into ~/go/bin, which stays on the machine as a cache).
# Idempotent; prints the versions it found. Source it (`. ci/bootstrap-lab.sh`) to keep PATH and
# CLAB_VERSION_CHECK in your shell.
set -euo pipefail

CLAB_VERSION=0.79.0
CLAB_MODULE=github.com/srl-labs/containerlab
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { echo "==> $*" >&2; }
die() { echo "bootstrap-lab: $*" >&2; exit 1; }

"$here/bootstrap-docker.sh" graphviz sshpass patch user-mode-linux gcc libc6-dev

export CLAB_VERSION_CHECK=disable
gobin=${GOBIN:-$HOME/go/bin}
export PATH="$gobin:$PATH"

# containerlab is built from its module source with the patches in network/lab/containerlab/ applied
# (go install cannot patch). The build is stamped with the version and a hash of the patches, so this
# check rebuilds when either changes.
# (FUNDAMENT_CLAB_PATCHES: where an installed fundament keeps them.)
patches=("${FUNDAMENT_CLAB_PATCHES:-$here/../network/lab/containerlab}"/*.patch)
build_id="fundament-$(cat "${patches[@]}" | sha256sum | cut -c1-12)"
clab_field() { containerlab version 2>/dev/null | awk -v f="$1:" '$1 == f {print $2; exit}'; }

if [[ $(clab_field version) != "$CLAB_VERSION" || $(clab_field commit) != "$build_id" ]]; then
  # shellcheck source=ci/setup-go.sh
  . "$here/setup-go.sh"
  log "building containerlab $CLAB_VERSION ($build_id) with $(go version | cut -d' ' -f3) into $gobin"
  # `go mod download` fetches the exact version without the @v/list call that `go install` makes for
  # its deprecation check, which some proxies refuse (403).
  go mod download "$CLAB_MODULE@v$CLAB_VERSION" || die "cannot download containerlab v$CLAB_VERSION from the Go module proxy"
  # A subshell, so the clean-up trap stays out of the shell of whoever sources this script.
  (
    src=$(mktemp -d /tmp/containerlab-src.XXXXXX)
    trap 'rm -rf "$src"' EXIT
    cp -r "$(go env GOMODCACHE)/$CLAB_MODULE@v$CLAB_VERSION/." "$src"
    chmod -R u+w "$src"
    for patch_file in "${patches[@]}"; do
      patch -s -d "$src" -p1 <"$patch_file" || die "patch $patch_file does not apply to containerlab $CLAB_VERSION"
    done
    mkdir -p "$gobin"
    cd "$src"
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X $CLAB_MODULE/cmd.Version=$CLAB_VERSION -X $CLAB_MODULE/cmd.commit=$build_id" \
      -o "$gobin/containerlab" . || die "building containerlab failed"
  ) || exit 1
  [[ $(clab_field commit) == "$build_id" ]] || die "containerlab at $(command -v containerlab) is not the build just made"
fi

log "containerlab $(clab_field version) $(clab_field commit) ($(command -v containerlab)), docker $(docker version --format '{{.Server.Version}}'), $(dot -V 2>&1)"
