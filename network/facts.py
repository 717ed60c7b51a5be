"""Design facts per device: everything a template needs, derived once from the design, platform-neutral.

Templates only format facts; every decision (who peers with whom, which AS, which segments a VTEP carries)
is made here, so the same facts render to every platform. Interface names stay in the design's `ethN` form;
each platform maps them (network/platforms.py). Secrets appear only as reference names.
"""

from inventory.model import Design, Device, Firewall, LinkEnd, LinkKind, Platform, Role
from inventory.model.migration import Feature
from inventory.model.network import Overlay, UnderlayProtocol
from inventory.model.services import AaaServer, SyslogServer, User
from inventory.types import IPv4Address, IPv4Interface, IPv4Network, Model


class FabricInterface(Model):
    """A cabled routed port: unnumbered (IPv6 link-local, RFC 5549) unless it has an address."""

    name: str
    peer_device: str
    kind: LinkKind
    description: str
    mtu: int
    ipv4: IPv4Interface | None = None


class TrunkInterface(Model):
    """An 802.1Q trunk to a layer-2 switch (or from one): every segment both ends carry, tagged."""

    name: str
    peer_device: str
    description: str
    mtu: int
    vlans: list[int]


class AccessInterface(Model):
    """An untagged edge port in one segment."""

    name: str
    segment: str
    vlan: int
    description: str
    bond: int | None = None
    """The Ethernet segment id of the endpoint LACP bond this port is a member of (its platform names the
    bond after it), once zones are live."""


class BgpNeighbor(Model):
    """One BGP session on a routed link: by interface when unnumbered, by the peer's address when numbered."""

    peer_device: str
    remote_as: int
    interface: str | None = None
    address: IPv4Address | None = None
    description: str
    internal: bool = False
    """iBGP: the peer is in this device's AS (an iBGP underlay, or two cores sharing an ASN)."""
    reflector_client: bool = False
    """This device, a route reflector, reflects routes to the peer, its client."""
    next_hop_self: bool = False
    """Underlay routes go to the peer with this device as next hop: over iBGP the peer could not resolve
    the next hops this device learnt on its other links (hop-by-hop sessions, no IGP below)."""

    @property
    def unnumbered(self) -> bool:
        return self.interface is not None

    @property
    def session(self) -> str:
        """external, internal, or client (internal, and this device reflects routes to it): the kinds of
        session whose settings differ, so platforms group neighbors by it."""
        return "client" if self.reflector_client else "internal" if self.internal else "external"


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


class Ospf(Model):
    """OSPFv2 in one area: adjacencies on the routed links (numbered, point-to-point); the loopback and the
    gateways of the segments this device routes are announced passively."""

    router_id: IPv4Address
    area: IPv4Address
    interfaces: list[str]


class VlanFacts(Model):
    """A segment this device switches without the overlay: a VLAN of the platform's bridge, tagged on the
    trunks that carry it, untagged on its access ports; on its one routing device also its gateway."""

    name: str
    vlan: int
    description: str
    gateway: IPv4Interface | None


class SegmentFacts(Model):
    """A segment carried by this VTEP: its VLAN, its VNI and its access ports (before zones each segment has a
    bridge of its own, then it is a VLAN of the platform's bridge)."""

    name: str
    vlan: int
    vni: int
    description: str
    access_ports: list[str]
    zone: str
    vrf: str | None
    """The zone's VRF, where the segment's anycast gateway lives (None: the zone is layer 2 only)."""
    gateway: IPv4Interface
    """The anycast gateway: the same address (and `DeviceFacts.gateway_mac`) on every VTEP carrying it."""


class BondFacts(Model):
    """This switch's side of an endpoint's LACP bond: one EVPN multihoming Ethernet segment, after whose id
    the platform names the bond."""

    members: list[str]
    segment: str
    vlan: int
    es_id: int
    system_mac: str
    esi: str
    """Type-3 ESI (RFC 7432): 03, the system MAC, the Ethernet segment id in three bytes."""
    description: str


class FirewallLeg(Model):
    """An 802.1Q sub-interface towards the firewall in a zone's VRF: the VRF's way to every other zone."""

    interface: str
    """The sub-interface, `<port>.<vlan>` in design naming."""
    parent: str
    vlan: int
    ipv4: IPv4Interface
    next_hop: IPv4Address
    """The firewall's address on the leg: the VRF's default route."""
    firewall: str


class VrfFacts(Model):
    """A zone's VRF on this VTEP: its L3VNI (symmetric IRB); on a border leaf, its legs to the firewall."""

    name: str
    zone: str
    l3vni: int
    vlan: int
    legs: list[FirewallLeg]


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
    routes: bool
    """False for a layer-2 switch: no loopback, no routing, only its bridge."""
    loopback: IPv4Address | None
    asn: int | None
    mtu: int
    vtep: bool
    vxlan_port: int
    interfaces: list[FabricInterface]
    """Routed links."""
    trunks: list[TrunkInterface]
    access_ports: list[AccessInterface]
    bgp: Bgp | None
    """The BGP underlay (ebgp, ibgp) and, on it, the EVPN overlay; None with OSPF and on layer-2 switches."""
    ospf: Ospf | None
    segments: list[SegmentFacts]
    """Segments this VTEP carries over the overlay."""
    vlans: list[VlanFacts]
    """Segments this device carries without the overlay."""
    services: Services
    gateway_mac: str
    vrfs: list[VrfFacts]
    bonds: list[BondFacts]
    firewall_ports: list[str]
    """Ports cabled to the firewall: declared from day 0 like every cabled port; routed once zones are."""


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


def _esi(system_mac: str, es_id: int) -> str:
    digits = f"{es_id:06x}"
    return ":".join(["03", *system_mac.split(":"), digits[0:2], digits[2:4], digits[4:6]])


def _bonds(design: Design, device: Device) -> list[BondFacts]:
    bonds = []
    for endpoint in design.endpoints:
        members = sorted(port.interface for port in endpoint.ports if port.device == device.name)
        segment = design.segment_of(endpoint)
        if endpoint.bond is None or not members or segment is None:
            continue
        bond = endpoint.bond
        bonds.append(
            BondFacts(
                members=members,
                segment=segment.name,
                vlan=segment.vlan,
                es_id=bond.es_id,
                system_mac=bond.system_mac,
                esi=_esi(bond.system_mac, bond.es_id),
                description=f"{endpoint.name} (LACP, ES {bond.es_id})",
            )
        )
    return bonds


def transit_addresses(firewall: Firewall) -> dict[tuple[int, str], tuple[IPv4Interface, IPv4Interface]]:
    """(uplink index, zone) -> (border leaf address, firewall address), each /31 of the transit pool in
    order: uplink by uplink, leg by leg."""
    subnets = firewall.transit_pool.subnets(new_prefix=31)
    addresses = {}
    for index in range(len(firewall.uplinks)):
        for leg in firewall.legs:
            subnet = next(subnets)
            addresses[(index, leg.zone)] = (
                IPv4Interface(f"{subnet.network_address}/31"),
                IPv4Interface(f"{subnet.broadcast_address}/31"),
            )
    return addresses


def _vrfs(design: Design, device: Device, carried: list[SegmentFacts]) -> list[VrfFacts]:
    """The VRF of every routed zone the device carries a segment of or has a firewall leg in."""
    firewall = design.security.firewall
    legs: dict[str, list[FirewallLeg]] = {}
    if firewall:
        transit = transit_addresses(firewall)
        vlans = {leg.zone: leg.vlan for leg in firewall.legs}
        for index, uplink in enumerate(firewall.uplinks):
            if uplink.attach.device != device.name:
                continue
            for zone, vlan in vlans.items():
                ours, theirs = transit[(index, zone)]
                legs.setdefault(zone, []).append(
                    FirewallLeg(
                        interface=f"{uplink.attach.interface}.{vlan}",
                        parent=uplink.attach.interface,
                        vlan=vlan,
                        ipv4=ours,
                        next_hop=theirs.ip,
                        firewall=firewall.name,
                    )
                )
    zones: set[str] = {segment.zone for segment in carried} | set(legs)
    return [
        VrfFacts(
            name=zone.name,
            zone=zone.name,
            l3vni=zone.vrf.l3vni,
            vlan=zone.vrf.vlan,
            legs=legs.get(zone.name, []),
        )
        for zone in design.security.zones
        if zone.vrf is not None and zone.name in zones
    ]


def _bgp_neighbor(
    design: Design, device: Device, peer: Device, local: LinkEnd, remote: LinkEnd
) -> BgpNeighbor:
    routing = design.routing
    local_as, remote_as = routing.asn_of(device), routing.asn_of(peer)
    if local_as is None or remote_as is None:
        raise ValueError(f"{device.name} or {peer.name} has no ASN: facts need a validated design")
    reflectors = routing.underlay.route_reflector_roles
    reflector = routing.underlay.protocol is UnderlayProtocol.IBGP and device.role in reflectors
    internal = local_as == remote_as
    return BgpNeighbor(
        peer_device=peer.name,
        remote_as=remote_as,
        interface=None if local.ipv4 else local.interface,
        address=remote.ipv4.ip if remote.ipv4 is not None else None,
        description=f"{peer.name} ({peer.role.value}, AS{remote_as})",
        internal=internal,
        reflector_client=reflector and peer.role not in reflectors,
        next_hop_self=internal,
    )


def _vlans(design: Design, device: Device, routes: bool) -> list[VlanFacts]:
    """Without the overlay: the segments the device carries, with the gateway where it routes them."""
    if design.routing.overlay is not None:
        return []
    return [
        VlanFacts(
            name=segment.name,
            vlan=segment.vlan,
            description=segment.description,
            gateway=IPv4Interface(f"{segment.gateway}/{segment.subnet.prefixlen}") if routes else None,
        )
        for segment in sorted(design.segments_on(device.name), key=lambda segment: segment.vlan)
    ]


def _device_facts(
    design: Design, device: Device, services: Services, features: frozenset[Feature] = ALL_FEATURES
) -> DeviceFacts:
    devices, routing = design.device_by_name, design.routing
    underlay = routing.underlay
    routes = routing.routes(device.role)
    interfaces: list[FabricInterface] = []
    trunks: list[TrunkInterface] = []
    neighbors: list[BgpNeighbor] = []
    carried = {segment.name: segment.vlan for segment in design.segments_on(device.name)}
    links = sorted(design.links_of(device.name), key=lambda ends: _port_number(ends[0].interface))
    for local, remote, link in links:
        peer = devices[remote.device]
        what = link.description or link.kind.value
        description = f"{remote.device}:{remote.interface} ({what})"
        mtu = link.mtu or min(device.mtu, peer.mtu)
        if not (routes and routing.routes(peer.role)):
            shared = {carried[s.name] for s in design.segments_on(peer.name) if s.name in carried}
            trunks.append(
                TrunkInterface(
                    name=local.interface,
                    peer_device=peer.name,
                    description=description,
                    mtu=mtu,
                    vlans=sorted(shared),
                )
            )
            continue
        interfaces.append(
            FabricInterface(
                name=local.interface,
                peer_device=remote.device,
                kind=link.kind,
                description=description,
                mtu=mtu,
                ipv4=local.ipv4,
            )
        )
        if underlay.bgp:
            neighbors.append(_bgp_neighbor(design, device, peer, local, remote))
    overlay = routing.overlay or Overlay()
    vtep = routing.is_vtep(device.role)
    ports_by_segment: dict[str, list[str]] = {}
    for port in device.access_ports:
        ports_by_segment.setdefault(port.segment, []).append(port.interface)
    zones = design.zone_by_name
    segments = [
        SegmentFacts(
            name=segment.name,
            vlan=segment.vlan,
            vni=segment.vni,
            description=segment.description,
            access_ports=ports_by_segment.get(segment.name, []),
            zone=segment.zone,
            vrf=segment.zone if zones[segment.zone].vrf else None,
            gateway=IPv4Interface(f"{segment.gateway}/{segment.subnet.prefixlen}"),
        )
        for segment in (design.segments_on(device.name) if vtep else [])
        if segment.vni is not None
    ]
    vlans = _vlans(design, device, routes)
    bonds = _bonds(design, device) if vtep else []
    bond_of = {member: bond.es_id for bond in bonds for member in bond.members}
    segment_by_name = design.segment_by_name
    firewall = design.security.firewall
    loopback = device.loopback
    announced = [IPv4Network(f"{loopback}/32")] if loopback else []
    announced += [vlan.gateway.network for vlan in vlans if vlan.gateway]
    asn = routing.asn_of(device)
    bgp = (
        Bgp(
            asn=asn,
            router_id=loopback,
            keepalive=underlay.keepalive,
            holdtime=underlay.holdtime,
            networks=announced,
            neighbors=neighbors,
            advertise_all_vni=vtep,
        )
        if asn is not None and loopback is not None
        else None
    )
    ospf = (
        Ospf(router_id=loopback, area=underlay.area, interfaces=[interface.name for interface in interfaces])
        if routes and loopback is not None and not underlay.bgp
        else None
    )
    return DeviceFacts(
        features=features,
        hostname=device.name,
        role=device.role,
        site=device.site,
        model=device.model,
        platform=device.platform,
        mgmt_ipv4=device.mgmt_ipv4,
        routes=routes,
        loopback=loopback,
        asn=bgp.asn if bgp else None,
        mtu=device.mtu,
        vtep=vtep,
        vxlan_port=overlay.vxlan_port,
        interfaces=interfaces,
        trunks=trunks,
        access_ports=[
            AccessInterface(
                name=port.interface,
                segment=port.segment,
                vlan=segment_by_name[port.segment].vlan,
                description=port.description or port.segment,
                bond=bond_of.get(port.interface),
            )
            for port in sorted(device.access_ports, key=lambda p: _port_number(p.interface))
        ],
        bgp=bgp,
        ospf=ospf,
        segments=segments,
        vlans=vlans,
        services=services,
        gateway_mac=overlay.gateway_mac,
        vrfs=_vrfs(design, device, segments) if vtep else [],
        bonds=bonds,
        firewall_ports=sorted(
            (
                uplink.attach.interface
                for uplink in (firewall.uplinks if firewall else [])
                if uplink.attach.device == device.name
            ),
            key=_port_number,
        ),
    )


def device_facts(design: Design, name: str, features: frozenset[Feature] = ALL_FEATURES) -> DeviceFacts:
    """The facts of one device with `features` live; KeyError when the design has no such device."""
    return _device_facts(design, design.device_by_name[name], _services(design), features)


def all_facts(design: Design) -> dict[str, DeviceFacts]:
    """Facts of every device, by name, in design order."""
    services = _services(design)
    return {device.name: _device_facts(design, device, services) for device in design.devices}
