#!/bin/sh
# Entry point of a machine image (container side): boots the image's own root file system, packed as
# /machine/disk.img, under user-mode Linux, and lives exactly as long as the guest does.
# The container's arguments are the command the guest runs once booted (see guest-init.sh).
#
# Environment (all optional):
#   MACHINE_MEM         guest memory (default 256M)
#   MACHINE_SYSCTLS     "key=value ..." set in the guest before its command runs
#   CLAB_INTFS          number of data interfaces containerlab will add; the guest boots once they exist
#   MACHINE_WAIT        seconds to wait for them (default 300)
#   MACHINE_MGMT_DEFAULT  "no": no default route over the management interface in the guest
# Every other variable of the container reaches the guest command's environment too.
set -eu

state=/run/machine
share=$state/share
mem=${MACHINE_MEM:-256M}

fail() {
  echo "machine: $*" >&2
  exit 1
}

# UML maps its memory from a file in $TMPDIR, which must allow exec (Docker's /dev/shm does not). The
# guest's copy-on-write layer over the shared disk lives here too: a node's writes vanish with it.
mkdir -p $state
mountpoint -q $state || mount -t tmpfs -o exec,mode=0700 machine $state || fail "cannot mount a tmpfs on $state (needs CAP_SYS_ADMIN)"
rm -rf "${state:?}"/*
mkdir -p $share/files

data_interfaces() {
  for path in /sys/class/net/*; do
    name=${path##*/}
    case $name in lo | eth0) ;; *) echo "$name" ;; esac
  done
}

# containerlab adds the data interfaces after the container starts; the guest sees only what exists at boot.
# They do not survive a restart of the container (after its guest ended): say so instead of waiting.
want=${CLAB_INTFS:-0}
if [ -e /machine/started ] && [ "$(data_interfaces | wc -l)" -lt "$want" ]; then
  fail "restarted after the guest ended (its log is above); containerlab's links are gone: deploy again"
fi
touch /machine/started
waited=0
while [ "$(data_interfaces | wc -l)" -lt "$want" ]; do
  [ "$waited" -lt "$((${MACHINE_WAIT:-300} * 5))" ] || fail "only $(data_interfaces | tr '\n' ' ')of $want data interfaces appeared"
  sleep 0.2
  waited=$((waited + 1))
done

# The guest takes over the management address: the container keeps the interface but no address, so
# only the guest answers on it. The guest uses the container's MAC addresses, so neighbours' ARP caches
# and the bridge stay right and the container's interfaces need not be promiscuous.
mgmt_ipv4=$(ip -4 -o address show dev eth0 | awk '{print $4; exit}')
mgmt_gw=$(ip -4 route show default | awk '{print $3; exit}')
ip address flush dev eth0
# No IPv6 on the container side: its link-local addresses would be the guest's too (same MACs), and the
# container's kernel would answer for them (refusing BGP unnumbered's TCP connections with a RST before
# the guest's SYN-ACK, doubling pings). Docker mounts /proc/sys read-only; the network part belongs to the
# container's own namespace, so it is opened up (as the lab's entrypoint does for containers).
mount --bind /proc/sys/net /proc/sys/net && mount -o remount,bind,rw /proc/sys/net ||
  fail "cannot make /proc/sys/net writable (the container needs cap-add SYS_ADMIN)"
for iface in default eth0 $(data_interfaces); do
  echo 1 >/proc/sys/net/ipv6/conf/"$iface"/disable_ipv6 || fail "cannot turn IPv6 off on the container's $iface"
done

quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

interfaces="eth0 $(data_interfaces | sort -V | tr '\n' ' ')"
{
  export -p
  echo "export MACHINE_HOSTNAME=$(quote "$(hostname)")"
  echo "export MACHINE_MGMT_IPV4=$(quote "$mgmt_ipv4")"
  echo "export MACHINE_MGMT_GW=$(quote "$mgmt_gw")"
  echo "export MACHINE_INTERFACES=$(quote "$interfaces")"
} >$share/env
command=""
for arg in "$@"; do command="$command $(quote "$arg")"; done
echo "$command" >$share/command
# Files given to the guest (containerlab binds, docker run -v) land at the same path in its root.
[ -d /machine/inject ] && cp -a /machine/inject/. $share/files/

# The management port stays on a raw socket. It sees the frames the guest sends as well as those it
# receives; handed back to the guest,
# its own frames would make it its own LLDP neighbour and loop through its bridges. This classic BPF
# program (code, jt, jf, k) drops outgoing frames: load the packet type; if PACKET_OUTGOING (4) return 0,
# else accept the whole frame.
printf '\040\000\000\000\004\360\377\377\025\000\000\001\004\000\000\000' >$state/incoming.bpf
printf '\006\000\000\000\000\000\000\000\006\000\000\000\377\377\377\377' >>$state/incoming.bpf

# A data port carries 802.1Q trunks, and a raw socket cannot: the kernel takes the VLAN tag off every frame it
# receives and keeps it beside the frame, where UML's raw transport never looks. A tap device puts the tag
# back when the guest reads. So each data port gets a tap, and the container's kernel hands every frame
# between the two before its own stack sees it (tc: match all, redirect). Any frame passes, LACP and LLDP
# included, which a bridge would not forward.
[ -c /dev/net/tun ] || [ "$(data_interfaces | wc -l)" -eq 0 ] ||
  fail "no /dev/net/tun in the container: data ports need it (containerlab: devices: [/dev/net/tun])"
redirect() {
  tc qdisc add dev "$1" ingress &&
    tc filter add dev "$1" ingress protocol all prio 1 u32 match u32 0 0 action mirred egress redirect dev "$2" ||
    fail "cannot hand $1's frames to $2 (tc ingress, u32 match-all, mirred redirect)"
}
tap_for() {
  ip tuntap add dev "t$1" mode tap || fail "cannot create a tap for $1"
  ip link set dev "t$1" mtu "$(cat /sys/class/net/"$1"/mtu)" up
  redirect "$1" "t$1"
  redirect "t$1" "$1"
}

set -- mem="$mem" ubd0=$state/cow,/machine/disk.img root=/dev/ubda rw \
  con=null con0=null,fd:1 init=/usr/local/sbin/fundament-machine-init machine_share=$share
index=0
for iface in $interfaces; do
  mac=$(cat /sys/class/net/"$iface"/address)
  if [ "$iface" = eth0 ]; then
    set -- "$@" "vec$index:transport=raw,ifname=$iface,mac=$mac,bpffile=$state/incoming.bpf"
  else
    tap_for "$iface"
    set -- "$@" "vec$index:transport=tap,ifname=t$iface,mac=$mac"
  fi
  index=$((index + 1))
done

# UML 6.1 cannot restore FPU registers on hosts with AVX-512, PKRU or AMX: see uml-xstate.c.
TMPDIR=$state LD_PRELOAD=/usr/local/lib/fundament-uml-xstate.so linux.uml "$@" </dev/null &
guest=$!
# The guest is disposable (its writes live in $state): a stop ends it at once.
trap 'kill -KILL $guest 2>/dev/null' TERM INT
wait $guest
