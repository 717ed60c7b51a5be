#!/usr/bin/env bash
# Docker engine for the lab and the workplace image builds: Debian's docker.io plus debootstrap
# (images are built locally; no container registry is reachable). Idempotent and fast when done:
# nothing is installed or started when `docker info` already answers and the tools are present.
# Extra Debian packages to ensure may be given as arguments (bootstrap-lab.sh passes its own).
# There is no systemd on the CI machines, so dockerd is started in the background by hand.
set -euo pipefail

log() { echo "==> $*" >&2; }
die() { echo "bootstrap-docker: $*" >&2; exit 1; }

# apt-get update only when a package is missing, and at most once per run.
apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "missing packages ${missing[*]} and not root: run 'sudo apt-get install -y ${missing[*]}'"
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get: install them by hand"
  log "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    if ((apt_updated == 0)); then
      apt-get update -qq >/dev/null || die "apt-get update failed: is a Debian mirror reachable?"
      apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "could not install ${missing[*]} with apt-get"
  fi
}

apt_install docker.io debootstrap iptables "$@"

if ! docker info >/dev/null 2>&1; then
  if ! pgrep -x dockerd >/dev/null; then
    log "starting dockerd (log: /var/log/dockerd.log)"
    nohup dockerd >/var/log/dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || die "dockerd did not answer within 60 s; see /var/log/dockerd.log"
fi

log "docker $(docker version --format '{{.Server.Version}}' 2>/dev/null) answers"
