#!/usr/bin/env bash
# What `fundament infra sim|preview|up|refresh|destroy` needs: the Pulumi CLI and vcsim (VMware's vCenter
# simulator), neither shipped by a registry reachable here, so both are built from the Go module proxy at the
# versions pinned in infra/tools/*/go.mod (go.sum committed), with the Go toolchain ci/setup-go.sh provides.
# Binaries are cached at machine level, keyed by version (~/.cache/fundament/bin/<tool>-<version>/;
# $FUNDAMENT_TOOLS_DIR moves it; the pipeline files cache that folder keyed by infra/tools/*/go.sum), and
# linked into the project's .venv/bin with the launchers of the dynamic providers and the policy pack: all the
# engine runs sits beside the interpreter. Idempotent: seconds when the cache is warm. Run after ci/setup-python.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=ci/lib.sh
. "$root/ci/lib.sh"
# The pinned versions, read from the wrapper modules: go.mod is the one place to change them.
pinned() { awk -v m="$2" '$1 == "require" && $2 == m {print $3; exit} $1 == m {print $2; exit}' "$root/infra/tools/$1/go.mod"; }
PULUMI_VERSION=$(pinned pulumi github.com/pulumi/pulumi/pkg/v3)
GOVMOMI_VERSION=$(pinned vcsim github.com/vmware/govmomi)
[[ -n $PULUMI_VERSION && -n $GOVMOMI_VERSION ]] || die "infra/tools/*/go.mod pin no Pulumi or govmomi version"
cache=${FUNDAMENT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fundament}/bin
venv_bin=$root/.venv/bin

[[ -x $venv_bin/python ]] || die "no project venv at $root/.venv: run ci/setup-python.sh first"

# build NAME DIR MODULE_DIR PACKAGE [LDFLAGS]: go build PACKAGE inside MODULE_DIR into DIR/NAME, once per
# machine (a lock keeps two clones from building the same binary at once).
build() {
  local name=$1 dir=$2 module=$3 package=$4 ldflags=${5:-}
  [[ -x $dir/$name ]] && return 0
  # shellcheck source=ci/setup-go.sh
  . "$root/ci/setup-go.sh"
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
# launcher NAME MODULE: an executable that runs `python -m MODULE` with the project's interpreter (beside it).
launcher() {
  printf '#!/bin/sh\nexec "$(dirname "$0")/python" -u -m %s "$@"\n' "$2" >"$venv_bin/$1.tmp"
  chmod +x "$venv_bin/$1.tmp"
  mv "$venv_bin/$1.tmp" "$venv_bin/$1"
}
# The engine starts dynamic providers as `pulumi-resource-pulumi-python` from PATH; the official launcher is
# not served.
launcher pulumi-resource-pulumi-python pulumi.dynamic
# The policy pack: the engine starts an executable given as a policy pack directly (no language host).
launcher fundament-policy-pack infra.policy

log "pulumi $("$venv_bin/pulumi" version) ($pulumi_dir), vcsim govmomi $GOVMOMI_VERSION ($vcsim_dir)"
