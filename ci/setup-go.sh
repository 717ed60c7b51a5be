# The Go toolchain that builds the project's Go tools (containerlab, actionlint) from the Go module proxy.
# Source it (`. ci/setup-go.sh`): it exports GOTOOLCHAIN when the local Go is older than GO_MIN.
#   - go >= GO_MIN on PATH: used as it is;
#   - go >= 1.21 but older: GOTOOLCHAIN=$GO_TOOLCHAIN makes it fetch that toolchain from the Go module proxy
#     (a module, checked against the checksum database through the proxy) into the module cache, once;
#   - no go, or older than 1.21 (Debian 12 ships 1.19): Debian's golang-1.23-go from bookworm-backports,
#     then the same toolchain switch.
# shellcheck shell=bash
# shellcheck source=ci/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GO_MIN=1.26
GO_TOOLCHAIN=go1.26.8
GO_BACKPORT=golang-1.23-go

go_minor() { GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p'; }

go_bin=$(command -v go || true)
if [[ -z $go_bin || $(go_minor "$go_bin") -lt 21 ]]; then
  [[ -x /usr/lib/go-1.23/bin/go ]] || {
    # shellcheck disable=SC1091
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ $codename == bookworm ]] \
      || die "Go >= 1.21 is needed to fetch Go $GO_MIN (found: ${go_bin:-none}); install Go >= $GO_MIN and re-run"
    log "no Go >= 1.21 here (Debian 12 ships 1.19): installing $GO_BACKPORT from bookworm-backports to fetch $GO_TOOLCHAIN"
    list=/etc/apt/sources.list.d/fundament-bookworm-backports.list
    if [[ ! -f $list ]]; then
      echo "deb ${FUNDAMENT_DEBIAN_MIRROR:-http://deb.debian.org/debian} bookworm-backports main" >"$list"
      apt_updated=0  # the new suite needs its index
      apt-get update -qq >/dev/null || die "apt-get update failed after adding $list"
      apt_updated=1
    fi
    apt_install "$GO_BACKPORT" ca-certificates
  }
  go_bin=/usr/lib/go-1.23/bin/go
  export PATH="/usr/lib/go-1.23/bin:$PATH"
fi
if (($(go_minor "$go_bin") < ${GO_MIN#1.})); then
  # The toolchain is fetched over HTTPS: Go needs the system's CA certificates.
  apt_install ca-certificates
  export GOTOOLCHAIN=$GO_TOOLCHAIN
fi
log "Go: $(go env GOVERSION) ($go_bin${GOTOOLCHAIN:+, GOTOOLCHAIN=$GOTOOLCHAIN})"
