#!/bin/sh
# PID 1 of a machine's guest (user-mode Linux): a lean init instead of systemd, which takes five times as
# long to boot. Mounts the kernel file systems, takes over what the container side (runner.sh) hands
# over through a hostfs share -- environment, injected files, management address, interface names --
# then becomes the machine's command.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /run/lock

# The kernel passes unknown key=value boot parameters to init's environment.
share=/run/machine-share
mkdir -p $share
mount -t hostfs -o "${machine_share:?the runner passes machine_share}" hostfs $share
# shellcheck disable=SC1091
. $share/env
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
cp -a $share/files/. /
command=$(cat $share/command)
# The environment may hold secrets (the lab password): gone from the container once read.
rm -rf $share/env $share/files
umount $share
rmdir $share
unset machine_share

hostname "$MACHINE_HOSTNAME"
echo "$MACHINE_HOSTNAME" >/etc/hostname
printf '127.0.0.1 localhost\n%s %s\n' "${MACHINE_MGMT_IPV4%/*}" "$MACHINE_HOSTNAME" >/etc/hosts

# The vector driver names the interfaces vec0..vecN in the order the runner attached them; give them
# the container's names, so configs written for the node apply unchanged.
ip link set lo up
index=0
for iface in $MACHINE_INTERFACES; do
  ip link set "vec$index" name "$iface"
  index=$((index + 1))
done
ip link set eth0 up
if [ -n "$MACHINE_MGMT_IPV4" ]; then
  ip address add "$MACHINE_MGMT_IPV4" dev eth0
  if [ -n "$MACHINE_MGMT_GW" ] && [ "${MACHINE_MGMT_DEFAULT:-yes}" != no ]; then
    ip route add default via "$MACHINE_MGMT_GW" dev eth0
  fi
fi
# IPv6 is a module in Debian's UML kernel: until it is loaded its sysctls do not exist, and when the first
# IPv6 socket loads it later it starts with its defaults (forwarding off, whatever MACHINE_SYSCTLS said).
modprobe ipv6
for setting in ${MACHINE_SYSCTLS:-}; do
  key=${setting%%=*}
  echo "${setting#*=}" >"/proc/sys/$(echo "$key" | tr . /)" || echo "guest-init: cannot set $key" >&2
done

eval "exec $command"
