#!/usr/bin/env bash
# Proof of the README's set-up claim: on a stock Debian 12 (bookworm) with nothing but python3, the project's
# own set-up (ci/setup-python.sh, ci/setup-go.sh) installs everything the Python side and the Go builds need.
# The root file system comes from debootstrap + `docker import` (no registry pull), cached as an image tagged
# by a hash of its recipe. The checkout is copied in; the machine-level caches (uv, pip, Go modules, Debian
# packages) are mounted, so a warm run downloads little. Stops before the lab (dockerd, containerlab, images).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/lib.sh
. ci/lib.sh

ci/bootstrap-docker.sh

recipe="debootstrap --variant=minbase --include=python3 bookworm"
image="fundament-bookworm-python3:$(echo "$recipe" | sha256sum | cut -c1-12)"
cache=${FUNDAMENT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fundament}
mkdir -p "$cache/bookworm-apt" "$HOME/.cache/uv" "$HOME/.cache/pip"
gomodcache=$(go env GOMODCACHE 2>/dev/null || echo "$HOME/go/pkg/mod")
mkdir -p "$gomodcache"

work=$(mktemp -d /tmp/fundament-bookworm.XXXXXX)
container="fundament-bookworm-proof-$$"
trap 'docker rm -f "$container" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# One build per machine at a time; other runs wait for it and then find the image.
(
  flock 9
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    log "building $image: a plain Debian 12 root file system with python3 ($recipe), about a minute"
    nice -n 10 debootstrap --variant=minbase --include=python3 bookworm "$work/root" \
      "${FUNDAMENT_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
    tar -C "$work/root" -c . | docker import -c 'CMD ["/bin/bash"]' - "$image" >/dev/null
    rm -rf "$work/root"
  fi
) 9>"$cache/bookworm-image.lock"

# The checkout as git sees it (tracked and new files), without this machine's .venv or build output.
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -c | tar -C "$work/src" -x

# A machine whose HTTPS goes through an inspecting proxy names that proxy's CA bundle in SSL_CERT_FILE:
# the container trusts the same bundle (pip, uv and Go all read SSL_CERT_FILE / PIP_CERT).
trust=()
if [[ -n ${SSL_CERT_FILE:-} && -f $SSL_CERT_FILE ]]; then
  trust=(-v "$SSL_CERT_FILE:/etc/fundament-host-ca.crt:ro" -e SSL_CERT_FILE=/etc/fundament-host-ca.crt
    -e PIP_CERT=/etc/fundament-host-ca.crt)
fi

log "running the set-up in $image (python3 only; caches mounted from this machine)"
start=$SECONDS
docker run --rm --name "$container" \
  -v "$work/src:/src" \
  -v "$HOME/.cache/uv:/root/.cache/uv" -v "$HOME/.cache/pip:/root/.cache/pip" \
  -v "$gomodcache:/root/go/pkg/mod" -v "$cache/bookworm-apt:/var/cache/apt/archives" \
  "${trust[@]}" -e UV_LINK_MODE=copy -e CI=true -w /src "$image" bash -euo pipefail -c '
    echo "==> in $(. /etc/os-release && echo "$PRETTY_NAME"): $(python3 --version), go: $(command -v go || echo none)"
    ci/setup-python.sh
    . ci/setup-go.sh
    go version
    .venv/bin/fundament inventory check
  '
log "bookworm set-up proof passed in $((SECONDS - start)) s"
