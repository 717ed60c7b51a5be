"""The lab's two image recipes: switches (Debian + FRR) and test hosts (endpoints on access ports)."""

from pathlib import Path

from fundament.machines.images import ImageFile, ImageRecipe

_HERE = Path(__file__).resolve().parent

# ifupdown2 everywhere: nodes take their day-0 interfaces file at boot when they run as machines.
_COMMON_PACKAGES = [
    *("iproute2", "iputils-ping", "openssh-server", "python3", "lldpd", "sudo", "ifupdown2", "procps"),
]
_COMMON_FILES = {
    "/usr/local/sbin/fundament-entrypoint": ImageFile(source=_HERE / "entrypoint.sh", mode=0o755),
    "/etc/ssh/sshd_config.d/fundament-lab.conf": ImageFile(source=_HERE / "sshd.conf"),
    "/etc/lldpd.d/fundament-lab.conf": ImageFile(source=_HERE / "lldpd.conf"),
}
# Host keys are made per container at start; the ones the package made at build time would be shared.
_COMMON_SETUP = "rm -f /etc/ssh/ssh_host_*\n"
_ENTRYPOINT = ["/usr/local/sbin/fundament-entrypoint"]

SWITCH = ImageRecipe(
    name="fundament/lab-switch",
    packages=[*_COMMON_PACKAGES, "frr", "frr-pythontools", "bridge-utils"],
    files={
        **_COMMON_FILES,
        "/etc/network/interfaces": ImageFile(source=_HERE / "interfaces"),
    },
    setup=_COMMON_SETUP
    + "sed -i -e 's/^bgpd=no/bgpd=yes/' -e 's/^bfdd=no/bfdd=yes/' -e 's/^staticd=no/staticd=yes/' \\\n"
    + "  /etc/frr/daemons\n"
    # The entry point writes a fresh frr.conf with the node's hostname on first start.
    + "rm -f /etc/frr/frr.conf\n",
    entrypoint=_ENTRYPOINT,
)

# Test hosts, and the firewall between zones (iptables: the machines' kernel has no nf_tables ip/inet).
HOST = ImageRecipe(
    name="fundament/lab-host",
    packages=[*_COMMON_PACKAGES, "iptables"],
    files={
        **_COMMON_FILES,
        "/usr/local/sbin/fundament-services": ImageFile(source=_HERE / "services.py", mode=0o755),
    },
    setup=_COMMON_SETUP,
    entrypoint=_ENTRYPOINT,
)
