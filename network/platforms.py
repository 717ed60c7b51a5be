"""What each rendering platform needs to know, as data: interface naming and the files a config is made of.

A new platform is a new entry here plus its templates under network/templates/<name>/, never a branch in code.
"""

from dataclasses import dataclass

from inventory.model import Platform
from inventory.model.migration import Feature


@dataclass(frozen=True)
class ConfigFile:
    """One file of a device's configuration, made of feature templates rendered in this order."""

    path: str | None
    """Absolute path on the device; None when the platform's configuration is a single text (no marker)."""
    templates: tuple[str, ...]
    feature: Feature | None = None
    """The file exists only while this feature is live on the device (None: always)."""


@dataclass(frozen=True)
class PlatformSpec:
    name: Platform
    interface: str
    """Format of a front-panel port name from the design's port number, e.g. `Ethernet{number}`."""
    comment: str
    """How a comment line starts in the first file; the migration record is kept in such a line."""
    loopback: str
    management: str
    files: tuple[ConfigFile, ...]
    not_rendered: tuple[str, ...] = ()
    """Design features this platform's configuration leaves out, and why (for the lab fidelity report)."""

    def interface_name(self, design_name: str) -> str:
        """The platform's name for a design interface `ethN`."""
        return self.interface.format(number=int(design_name.removeprefix("eth")))


FILE_MARKER = "#### fundament-file: "
"""Introduces each file of a multi-file configuration (the napalm_frr driver splits on it)."""

PLATFORMS: dict[Platform, PlatformSpec] = {
    Platform.FRR: PlatformSpec(
        name=Platform.FRR,
        interface="eth{number}",
        comment="# ",
        loopback="lo",
        management="eth0",
        files=(
            ConfigFile("/etc/network/interfaces", ("interfaces.j2", "overlay.j2")),
            ConfigFile("/etc/frr/frr.conf", ("system.j2", "vrfs.j2", "bgp.j2")),
            ConfigFile("/etc/ssh/sshd_config.d/fundament.conf", ("sshd.j2",), Feature.BASELINE),
            ConfigFile("/etc/issue.net", ("banner.j2",), Feature.BASELINE),
        ),
        not_rendered=(
            "ntp: the lab image runs no NTP daemon; containers share the host's clock",
            "dns: Docker owns /etc/resolv.conf in every container",
            "syslog servers: no syslog daemon in the lab image forwards FRR's log",
            "aaa users and tacacs: the lab login user comes from the lab environment, not the design",
            "timezone: the lab keeps UTC",
            "mtu: ifupdown2 sets it through /sys, read-only in a container; the lab topology sets link MTUs",
            "management VRF: the kernel has no VRF devices; eth0 stays with Docker",
        ),
    ),
    Platform.EOS: PlatformSpec(
        name=Platform.EOS,
        interface="Ethernet{number}",
        comment="!! ",
        loopback="Loopback0",
        management="Management1",
        files=(
            ConfigFile(
                None,
                ("system.j2", "services.j2", "interfaces.j2", "overlay.j2", "bgp.j2", "end.j2"),
            ),
        ),
    ),
}
