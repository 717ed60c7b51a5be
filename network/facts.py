"""Design facts per device: everything a template needs, derived once from the design, platform-neutral.

Templates only format facts; every decision (who peers with whom, which AS, which segments a VTEP carries)
is made here, so the same facts render to every platform. Interface names stay in the design's `ethN` form;
each platform maps them (network/platforms.py). Secrets appear only as reference names.
"""

from inventory.model import Design, Device, LinkKind, Platform, Role
from inventory.model.migration import Feature
from inventory.model.services import AaaServer, SyslogServer, User
from inventory.types import IPv4Address, IPv4Interface, IPv4Network, Model


class FabricInterface(Model):
    """A cabled routed port: unnumbered (IPv6 link-local, RFC 5549) unless it has an address."""

    name: str
    peer_device: str
    peer_interface: str
    kind: LinkKind
    description: str
    mtu: int
    ipv4: IPv4Interface | None = None


class AccessInterface(Model):
    """An untagged edge port in one segment."""

    name: str
    segment: str
    vlan: int
    description: str


class BgpNeighbor(Model):
    """One eBGP session: by interface when unnumbered, by the peer's address when numbered."""

    peer_device: str
    remote_as: int
    interface: str | None = None
    address: IPv4Address | None = None
    description: str

    @property
    def unnumbered(self) -> bool:
        return self.interface is not None


class Bgp(Model):
    asn: int
    router_id: IPv4Address
    keepalive: int
    holdtime: int
    networks: list[IPv4Network]
    """Advertised into ipv4 unicast: the loopback (router id and VTEP address)."""
    neighbors: list[BgpNeighbor]
    """Every session carries ipv4 unicast and l2vpn evpn (spines and cores pass EVPN routes on)."""
    advertise_all_vni: bool
    """Set on VTEPs: originate EVPN routes for every local VNI."""


class SegmentFacts(Model):
    """A segment carried by this VTEP: its bridge, its VXLAN device and its access ports."""

    name: str
    vlan: int
    vni: int
    description: str
    bridge: str
    vxlan_device: str
    access_ports: list[str]


class Services(Model):
    """Baseline services; users and TACACS keys carry secret reference names, never values."""

    domain: str
    timezone: str
    ntp: list[IPv4Address]
    dns: list[IPv4Address]
    syslog: list[SyslogServer]
    banner: str
    mgmt_gateway: IPv4Address
    ssh_allowed_from: list[IPv4Network]
    ssh_idle_timeout_minutes: int
    users: list[User]
    tacacs: list[AaaServer]


ALL_FEATURES = frozenset(Feature)


class DeviceFacts(Model):
    features: frozenset[Feature] = ALL_FEATURES
    """Parts of the design live on this device; migrations roll them out one by one, templates obey them."""
    hostname: str
    role: Role
    site: str
    model: str
    platform: Platform
    """The production platform of the design; rendering may still target another (the lab's frr)."""
    mgmt_ipv4: IPv4Interface
    loopback: IPv4Address
    asn: int
    mtu: int
    vtep: bool
    vxlan_port: int
    interfaces: list[FabricInterface]
    access_ports: list[AccessInterface]
    bgp: Bgp
    segments: list[SegmentFacts]
    services: Services


def _port_number(interface: str) -> int:
    return int(interface.removeprefix("eth"))


def _services(design: Design) -> Services:
    management = design.management
    return Services(
        domain=management.domain,
        timezone=management.timezone,
        ntp=management.ntp,
        dns=management.dns,
        syslog=management.syslog,
        banner=management.banner,
        mgmt_gateway=management.gateway,
        ssh_allowed_from=management.ssh.allowed_from,
        ssh_idle_timeout_minutes=management.ssh.idle_timeout_minutes,
        users=management.aaa.users,
        tacacs=management.aaa.tacacs,
    )


def _device_facts(
    design: Design, device: Device, services: Services, features: frozenset[Feature] = ALL_FEATURES
) -> DeviceFacts:
    devices = design.device_by_name
    interfaces: list[FabricInterface] = []
    neighbors: list[BgpNeighbor] = []
    links = sorted(design.links_of(device.name), key=lambda ends: _port_number(ends[0].interface))
    for local, remote, link in links:
        peer = devices[remote.device]
        what = link.description or link.kind.value
        interfaces.append(
            FabricInterface(
                name=local.interface,
                peer_device=remote.device,
                peer_interface=remote.interface,
                kind=link.kind,
                description=f"{remote.device}:{remote.interface} ({what})",
                mtu=min(device.mtu, peer.mtu),
                ipv4=local.ipv4,
            )
        )
        neighbors.append(
            BgpNeighbor(
                peer_device=peer.name,
                remote_as=peer.asn,
                interface=None if link.numbered else local.interface,
                address=remote.ipv4.ip if remote.ipv4 is not None else None,
                description=f"{peer.name} ({peer.role.value}, AS{peer.asn})",
            )
        )
    overlay = design.routing.overlay
    vtep = device.role in overlay.vtep_roles
    ports_by_segment: dict[str, list[str]] = {}
    for port in device.access_ports:
        ports_by_segment.setdefault(port.segment, []).append(port.interface)
    segments = [
        SegmentFacts(
            name=segment.name,
            vlan=segment.vlan,
            vni=segment.vni,
            description=segment.description,
            bridge=f"br{segment.vlan}",
            vxlan_device=f"vxlan{segment.vni}",
            access_ports=ports_by_segment.get(segment.name, []),
        )
        for segment in (design.segments_on(device.name) if vtep else [])
    ]
    segment_by_name = design.segment_by_name
    underlay = design.routing.underlay
    return DeviceFacts(
        features=features,
        hostname=device.name,
        role=device.role,
        site=device.site,
        model=device.model,
        platform=device.platform,
        mgmt_ipv4=device.mgmt_ipv4,
        loopback=device.loopback,
        asn=device.asn,
        mtu=device.mtu,
        vtep=vtep,
        vxlan_port=overlay.vxlan_port,
        interfaces=interfaces,
        access_ports=[
            AccessInterface(
                name=port.interface,
                segment=port.segment,
                vlan=segment_by_name[port.segment].vlan,
                description=port.description or port.segment,
            )
            for port in sorted(device.access_ports, key=lambda p: _port_number(p.interface))
        ],
        bgp=Bgp(
            asn=device.asn,
            router_id=device.loopback,
            keepalive=underlay.keepalive,
            holdtime=underlay.holdtime,
            networks=[IPv4Network(f"{device.loopback}/32")],
            neighbors=neighbors,
            advertise_all_vni=vtep,
        ),
        segments=segments,
        services=services,
    )


def device_facts(design: Design, name: str, features: frozenset[Feature] = ALL_FEATURES) -> DeviceFacts:
    """The facts of one device with `features` live; KeyError when the design has no such device."""
    return _device_facts(design, design.device_by_name[name], _services(design), features)


def all_facts(design: Design) -> dict[str, DeviceFacts]:
    """Facts of every device, by name, in design order."""
    services = _services(design)
    return {device.name: _device_facts(design, device, services) for device in design.devices}
