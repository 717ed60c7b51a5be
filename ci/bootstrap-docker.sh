#!/usr/bin/env bash
# Docker engine for the lab and the workplace image builds: Debian's docker.io plus debootstrap
# (images are built locally; no container registry is reachable). Idempotent and fast when done:
# nothing is installed or started when `docker info` already answers and the tools are present.
# Extra Debian packages to ensure may be given as arguments (bootstrap-lab.sh passes its own).
# There is no systemd on the CI machines, so dockerd is started in the background by hand.
set -euo pipefail

# shellcheck source=ci/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

apt_install docker.io debootstrap iptables "$@"
# Workplace: the disk image (partitions, file systems, UEFI boot loader written without loop devices) and
# the machine (offloads off on its host-side interface: workplace/machine.py says why).
apt_install fdisk dosfstools mtools grub-efi-amd64-bin qemu-utils ethtool

if ! docker info >/dev/null 2>&1; then
  if ! pgrep -x dockerd >/dev/null; then
    log "starting dockerd (log: /var/log/dockerd.log)"
    # dockerd outlives this script, so it keeps none of the caller's descriptors: it held the lock of a
    # `flock LOCK ci/main.sh` for as long as it ran, and would hold a pipe a CI runner waits on just as well.
    (
      for fd in /proc/self/fd/*; do
        fd=${fd##*/}
        if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
      done
      exec setsid dockerd </dev/null >/var/log/dockerd.log 2>&1
    ) &
  fi
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || die "dockerd did not answer within 60 s; see /var/log/dockerd.log"
fi

log "docker $(docker version --format '{{.Server.Version}}' 2>/dev/null) answers"
