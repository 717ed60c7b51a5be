"""What fundament knows about each platform, as data: its NAPALM driver, interface naming, the files a config
is made of, how the verification catalog recognises parts of its configuration, and which lines carry secrets.

A new platform is a new entry here plus its templates under network/templates/<name>/, never a branch in code.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from inventory.model import Platform
from inventory.model.migration import Feature
from napalm_frr import candidate

Service = Literal["ntp", "dns", "syslog"]
"""A baseline service whose servers a device's configuration names."""


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
    driver: str
    """The NAPALM driver's name (`get_network_driver(driver)`), also Nornir's platform."""
    netmiko: str
    """netmiko's device type for the platform (Nornir's netmiko connection)."""
    interface: str
    """Format of a front-panel port name from the design's port number, e.g. `Ethernet{number}`."""
    comment: str
    """How a comment line starts in the first file; the migration record is kept in such a line."""
    loopback: str
    management: str
    files: tuple[ConfigFile, ...]
    svi: str
    """Format of a segment's routed VLAN interface (`{vlan}`)."""
    bond: str
    """Format of an endpoint's LACP bond, named after its Ethernet segment id (`{es_id}`)."""
    not_rendered: tuple[str, ...] = ()
    """Design features this platform's configuration leaves out, and why (for the lab fidelity report)."""
    vxlan_interface: str | None = None
    """Format of the interface carrying a VNI (`{vni}`) where each VNI has its own; None where all VNIs
    share one (EOS's Vxlan1), so no per-VNI check can tell them apart."""
    bridge: str | None = None
    """The VLAN-aware bridge whose VLANs the zoned segments are; None where VLANs need no named bridge."""
    segment_bridge: str | None = None
    """Format of a segment's own plain bridge (`{vlan}`) on a VTEP without zones; None where there is none."""
    service_lines: Mapping[Service, str] = field(default_factory=lambda: MappingProxyType({}))
    """Running-config line (a regular expression, `{address}` filled in) naming a baseline server, per
    service (ntp, dns, syslog) that this platform's configuration carries."""
    secret_lines: tuple[str, ...] = ()
    """Starts of running-config lines (regular expressions) whose next word is a secret, after an optional
    encoding (`7`, `sha512`): what a backup or a diff masks."""

    def interface_name(self, design_name: str) -> str:
        """The platform's name for a design interface `ethN`."""
        return self.interface.format(number=int(design_name.removeprefix("eth")))

    def svi_name(self, vlan: int) -> str:
        return self.svi.format(vlan=vlan)

    def bond_name(self, es_id: int) -> str:
        return self.bond.format(es_id=es_id)

    def vxlan_name(self, vni: int) -> str:
        return self._named(self.vxlan_interface, "VXLAN interface per VNI").format(vni=vni)

    def segment_bridge_name(self, vlan: int) -> str:
        return self._named(self.segment_bridge, "bridge per segment").format(vlan=vlan)

    def bridge_name(self) -> str:
        return self._named(self.bridge, "named VLAN-aware bridge")

    def _named(self, name: str | None, what: str) -> str:
        if name is None:
            raise ValueError(f"platform {self.name.value} has no {what}")
        return name


FILE_MARKER = candidate.MARKER
"""Introduces each file of a multi-file configuration: the frr driver's candidate format, which owns it."""

PLATFORMS: dict[Platform, PlatformSpec] = {
    Platform.FRR: PlatformSpec(
        name=Platform.FRR,
        driver="frr",
        netmiko="linux",  # netmiko has no FRR type; its Linux type runs vtysh
        interface="eth{number}",
        comment="# ",
        loopback="lo",
        management="eth0",
        files=(
            ConfigFile("/etc/network/interfaces", ("interfaces.j2", "overlay.j2", "vlans.j2")),
            ConfigFile("/etc/frr/frr.conf", ("system.j2", "vrfs.j2", "bgp.j2", "ospf.j2")),
            ConfigFile("/etc/ssh/sshd_config.d/fundament.conf", ("sshd.j2",), Feature.BASELINE),
            ConfigFile("/etc/issue.net", ("banner.j2",), Feature.BASELINE),
        ),
        svi="vlan{vlan}",
        bond="bond{es_id}",
        not_rendered=(
            "ntp: the lab image runs no NTP daemon; containers share the host's clock",
            "dns: Docker owns /etc/resolv.conf in every container",
            "syslog servers: no syslog daemon in the lab image forwards FRR's log",
            "aaa users and tacacs: the lab login user comes from the lab environment, not the design",
            "timezone: the lab keeps UTC",
            "mtu: ifupdown2 sets it through /sys, read-only in a container; the lab topology sets link MTUs",
            "management VRF: the kernel has no VRF devices; eth0 stays with Docker",
        ),
        vxlan_interface="vxlan{vni}",
        bridge="br0",
        segment_bridge="br{vlan}",
        secret_lines=(
            "password",
            r"enable (?:secret|password)",
            r"neighbor \S+ password",
            r"ip ospf message-digest-key \d+ md5",
        ),
    ),
    Platform.EOS: PlatformSpec(
        name=Platform.EOS,
        driver="eos",
        netmiko="arista_eos",
        interface="Ethernet{number}",
        comment="!! ",
        loopback="Loopback0",
        management="Management1",
        files=(
            ConfigFile(
                None,
                (
                    "system.j2",
                    "services.j2",
                    "interfaces.j2",
                    "overlay.j2",
                    "routing.j2",
                    "bgp.j2",
                    "ospf.j2",
                    "end.j2",
                ),
            ),
        ),
        svi="Vlan{vlan}",
        bond="Port-Channel{es_id}",
        service_lines=MappingProxyType(
            {
                "ntp": r"^ntp server\b.*\b{address}\b",
                "dns": r"^ip name-server\b.*\b{address}\b",
                "syslog": r"^logging\b.*\bhost {address}\b",
            }
        ),
        secret_lines=(
            r"username \S+ .*?(?:secret|password)",
            r"enable (?:secret|password)",
            r"(?:tacacs|radius)-server .*?key",
            "snmp-server community",
            r"neighbor \S+ password",
            r"ntp authentication-key \d+ \S+",
        ),
    ),
}
