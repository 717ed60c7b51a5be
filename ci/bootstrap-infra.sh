#!/usr/bin/env bash
# What `fundament infra sim|preview|up|refresh|destroy` needs: the Pulumi CLI and vcsim (VMware's vCenter
# simulator), neither shipped by a registry reachable here, so both are built from the Go module proxy at the
# versions pinned in infra/tools/*/go.mod (go.sum committed). Binaries are cached at machine level, keyed by
# version (~/.cache/fundament/bin/<tool>-<version>/; $FUNDAMENT_TOOLS_DIR moves it), and linked into the
# project's .venv/bin with the dynamic-provider launcher: all the engine runs sits beside the interpreter.
# Idempotent: seconds when the cache is warm. Run after ci/setup-python.sh.
set -euo pipefail

PULUMI_VERSION=v3.276.0
GOVMOMI_VERSION=v0.55.0
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=ci/lib.sh
. "$root/ci/lib.sh"
cache=${FUNDAMENT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fundament}/bin
venv_bin=$root/.venv/bin

[[ -x $venv_bin/python ]] || die "no project venv at $root/.venv: run ci/setup-python.sh first"

# build NAME DIR MODULE_DIR PACKAGE [LDFLAGS]: go build PACKAGE inside MODULE_DIR into DIR/NAME, once per
# machine (a lock keeps two clones from building the same binary at once).
build() {
  local name=$1 dir=$2 module=$3 package=$4 ldflags=${5:-}
  [[ -x $dir/$name ]] && return 0
  command -v go >/dev/null 2>&1 || die "$name is missing and there is no Go toolchain to build it (needs Go >= 1.26)"
  mkdir -p "$dir"
  (
    flock 9
    [[ -x $dir/$name ]] && exit 0
    log "building $name from the Go module proxy into $dir (the Pulumi CLI takes 5-22 minutes cold)"
    cd "$module"
    # -mod=readonly: the pinned go.mod/go.sum are the recipe; a missing or refused module fails here, loudly.
    if ! CGO_ENABLED=0 nice -n 10 go build -mod=readonly -trimpath -ldflags "-s -w $ldflags" \
      -o "$dir/$name.tmp" "$package"; then
      die "building $name failed (see the go output above; module proxy: $(go env GOPROXY))"
    fi
    mv "$dir/$name.tmp" "$dir/$name"
  ) 9>"$dir/.lock" || exit 1
}

pulumi_dir=$cache/pulumi-$PULUMI_VERSION
build pulumi "$pulumi_dir" "$root/infra/tools/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"

# vcsim is our own small main.go: its cache key carries a hash of the source as well as govmomi's version.
vcsim_hash=$(cat "$root/infra/tools/vcsim/main.go" "$root/infra/tools/vcsim/go.sum" | sha256sum | cut -c1-12)
vcsim_dir=$cache/vcsim-$GOVMOMI_VERSION-$vcsim_hash
build vcsim "$vcsim_dir" "$root/infra/tools/vcsim" .

ln -sfn "$pulumi_dir/pulumi" "$venv_bin/pulumi"
ln -sfn "$vcsim_dir/vcsim" "$venv_bin/vcsim"
# The engine starts dynamic providers as `pulumi-resource-pulumi-python` from PATH; the official launcher is
# not served, and this one runs them with the project's interpreter (the one beside it).
launcher=$venv_bin/pulumi-resource-pulumi-python
printf '#!/bin/sh\nexec "$(dirname "$0")/python" -u -m pulumi.dynamic "$@"\n' >"$launcher.tmp"
chmod +x "$launcher.tmp"
mv "$launcher.tmp" "$launcher"

log "pulumi $("$venv_bin/pulumi" version) ($pulumi_dir), vcsim govmomi $GOVMOMI_VERSION ($vcsim_dir)"
