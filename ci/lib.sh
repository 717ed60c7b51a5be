# Helpers the set-up scripts share (sourced, not run): one-line logging and idempotent apt installs.
# shellcheck shell=bash

log() { echo "==> $*" >&2; }
die() { echo "${0##*/}: $*" >&2; exit 1; }

# Install the Debian packages that are missing; apt-get update only when an install fails, at most once.
apt_updated=0
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "missing packages ${missing[*]} and not root: run 'sudo apt-get install -y ${missing[*]}'"
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get: install them by hand"
  log "installing ${missing[*]} from Debian"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    if ((apt_updated == 0)); then
      apt-get update -qq >/dev/null || die "apt-get update failed: is a Debian mirror reachable?"
      apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "could not install ${missing[*]} with apt-get"
  fi
}

# Run a `fundament net verify` command line with the project's one reading of its exit code (README):
# 3 means warnings only and passes, with a note (and an annotation on GitHub); any other code stands.
# ci/main.sh and both pipeline files go through here, so exit 3 is treated the same everywhere.
pass_on_warnings() {
  local status=0
  "$@" || status=$?
  if ((status == 3)); then
    log "verify: warnings only (exit 3): passed; the warnings are in the report"
    [[ ${GITHUB_ACTIONS:-} != true ]] || echo "::warning title=verify::warnings only (exit 3); see the verification report"
    return 0
  fi
  return "$status"
}
