#!/bin/sh
# Start of every lab container (switches and test hosts): the lab login from the environment, then the
# daemons the image has. The password arrives only through the environment (the topology expands
# ${FUNDAMENT_LAB_PASSWORD:=...} at deploy time), so it is never written to a file in the image or the repo.
set -eu

user=${FUNDAMENT_LAB_USER:-fundament}
if [ -z "${FUNDAMENT_LAB_PASSWORD:-}" ]; then
  echo "entrypoint: FUNDAMENT_LAB_PASSWORD is not set; the topology file passes it in" >&2
  exit 1
fi
if ! id "$user" >/dev/null 2>&1; then
  groups=""
  for group in frr frrvty; do
    if getent group "$group" >/dev/null; then groups="$groups,$group"; fi
  done
  useradd --create-home --shell /bin/bash ${groups:+--groups "${groups#,}"} "$user"
fi
echo "$user:$FUNDAMENT_LAB_PASSWORD" | chpasswd
echo "$user ALL=(ALL) NOPASSWD: ALL" >/etc/sudoers.d/fundament-lab
chmod 0440 /etc/sudoers.d/fundament-lab
unset FUNDAMENT_LAB_PASSWORD

# Host keys per container, not baked into the image; ed25519 only because it is generated instantly.
[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
mkdir -p /run/sshd

if [ -x /usr/lib/frr/frrinit.sh ]; then
  # Docker mounts /sys and /proc/sys read-only in unprivileged containers; ifupdown2 and FRR set interface
  # MTUs and per-interface sysctls there. The container has its own network namespace, so the network
  # part of /proc/sys is all that is opened up.
  mount -o remount,rw /sys
  mount --bind /proc/sys/net /proc/sys/net
  mount -o remount,bind,rw /proc/sys/net
fi
# ifupdown2 locks /run/network/.lock and takes a missing directory for "another instance is running".
mkdir -p /run/network
# A machine (fundament.machines) boots with its day-0 interfaces file in place and every port present; a
# container node gets both later, through containerlab's exec.
if [ -n "${MACHINE_INTERFACES:-}" ]; then
  # The firewall's day-0 files come with a rule set and the forwarding settings it needs. A file that does
  # not apply leaves the node up (so it can be inspected and fixed) and says so in the container's log.
  sysctl -q --system >/dev/null || echo "entrypoint: sysctl --system failed" >&2
  ifreload -a || echo "entrypoint: ifreload -a failed on the day-0 interfaces file" >&2
  # Debian's UML kernel has nf_tables for the bridge family only (no ip/inet tables): the firewall's policy
  # comes as iptables rules. A rule set that does not load closes the node: it forwards nothing.
  if [ -f /etc/iptables/rules.v4 ] && ! iptables-legacy-restore </etc/iptables/rules.v4; then
    echo "entrypoint: /etc/iptables/rules.v4 did not load; forwarding is off" >&2
    echo 0 >/proc/sys/net/ipv4/ip_forward
  fi
fi
if [ -n "${FUNDAMENT_SERVICES:-}" ]; then
  # shellcheck disable=SC2086 # one argument per service
  /usr/local/sbin/fundament-services $FUNDAMENT_SERVICES &
fi

if [ -x /usr/lib/frr/frrinit.sh ]; then
  if [ ! -f /etc/frr/frr.conf ]; then
    # The design's day-0 config (no migration applied), so the lab starts where `migrate down --to 0` ends.
    printf 'hostname %s\nlog syslog informational\nservice integrated-vtysh-config\n!\n' "$(hostname)" >/etc/frr/frr.conf
    chown frr:frr /etc/frr/frr.conf
  fi
  /usr/lib/frr/frrinit.sh start
  # watchfrr loads frr.conf in the background and nothing waits for it: on a loaded machine switches took
  # logins (readiness) before their day-0 lines were in. Load it here once every daemon answers, before
  # sshd starts, so a node that takes logins has its config. Loading the same file twice changes nothing.
  for _ in $(seq 300); do
    watchfrr=$(vtysh -c 'show watchfrr' 2>/dev/null) || watchfrr=""
    if echo "$watchfrr" | grep -q 'global phase: Idle' \
      && ! echo "$watchfrr" | grep -E '^  [a-z0-9]+ +[A-Za-z]' | grep -qv ' Up$'; then
      break
    fi
    sleep 1
  done
  for attempt in 1 2 3; do
    vtysh -b >/dev/null && break
    echo "entrypoint: vtysh -b failed (attempt $attempt of 3)" >&2
    sleep 2
  done
fi
lldpd
exec /usr/sbin/sshd -D -e
