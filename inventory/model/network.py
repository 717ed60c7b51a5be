"""The network design: sites, devices, the cabling plan, segments, endpoints and routing."""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from inventory.types import (
    Asn,
    InterfaceName,
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    MacAddress,
    Model,
    Mtu,
    Name,
    VlanId,
    Vni,
)


class SiteKind(StrEnum):
    DATACENTER = "datacenter"
    CAMPUS = "campus"
    REGIONAL = "regional"


class Role(StrEnum):
    SPINE = "spine"
    LEAF = "leaf"
    BORDER_LEAF = "border-leaf"
    CORE = "core"
    ACCESS = "access"
    WAN_EDGE = "wan-edge"


class Platform(StrEnum):
    """Production platforms with templates and a NAPALM driver; the lab runs every device as frr."""

    EOS = "eos"
    FRR = "frr"


class Site(Model):
    name: Name
    kind: SiteKind
    description: str
    location: str = Field(
        description="where the site is: its town, or only the province where the design does not name a town"
    )


class AccessPort(Model):
    """An untagged edge port in one segment (a workstation, server, firewall or OT controller)."""

    interface: InterfaceName
    segment: Name
    description: str = ""


class Device(Model):
    name: Name
    role: Role
    site: Name
    platform: Platform
    model: str = Field(description="hardware model, for the record and the lab fidelity report")
    mgmt_ipv4: IPv4Interface = Field(description="management address with the management prefix length")
    loopback: IPv4Address | None = Field(
        default=None,
        description="router id, BGP source and VTEP address (a /32); every device that routes has one, "
        "a layer-2 switch (routing.layer2_roles) none",
    )
    asn: Asn | None = Field(
        default=None,
        description="the device's own AS in an eBGP underlay (iBGP: the underlay's asn; OSPF and layer-2 "
        "switches: none)",
    )
    access_ports: list[AccessPort] = []
    mtu: Mtu = 9214


def _split_end(value: object) -> object:
    """Brief form `device:interface` (an unnumbered end) -> long form."""
    if isinstance(value, str):
        device, sep, interface = value.partition(":")
        return {"device": device, "interface": interface} if sep else {"device": value, "interface": ""}
    return value


class LinkEnd(Model):
    device: Name
    interface: InterfaceName
    ipv4: IPv4Interface | None = Field(default=None, description="set on both ends of a numbered (/31) link")


BriefEnd = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,62}:eth[1-9][0-9]{0,2}$")]
LinkEndField = Annotated[LinkEnd, BeforeValidator(_split_end, json_schema_input_type=LinkEnd | BriefEnd)]


class LinkKind(StrEnum):
    FABRIC = "fabric"
    CAMPUS = "campus"
    INTERCONNECT = "interconnect"
    WAN = "wan"


class Link(Model):
    """One cable of the cabling plan. Between two routing devices a routed link, both ends unnumbered (BGP
    over IPv6 link-local) or both numbered; with a layer-2 switch at an end an 802.1Q trunk carrying, tagged,
    every segment present on both ends."""

    a: LinkEndField
    b: LinkEndField
    kind: LinkKind = LinkKind.FABRIC
    description: str = ""
    mtu: Mtu | None = Field(
        default=None,
        description="the link's IP MTU (a carrier's WAN circuit: what it carries, often 1500); "
        "default: the smaller MTU of its two devices",
    )

    @property
    def numbered(self) -> bool:
        return self.a.ipv4 is not None

    @property
    def ends(self) -> tuple[LinkEnd, LinkEnd]:
        return (self.a, self.b)


class Segment(Model):
    """A layer-2 segment: stretched over the EVPN-VXLAN overlay to the VTEPs that carry it (an anycast
    gateway on each), or, in a design without the overlay, a VLAN on trunks from its one gateway device
    (a core) to the layer-2 switches that carry it."""

    name: Name
    vlan: VlanId
    vni: Vni | None = Field(
        default=None, description="its VXLAN network identifier: with the EVPN overlay only"
    )
    subnet: IPv4Network
    gateway: IPv4Address
    zone: Name
    present_on: list[Name] = Field(
        min_length=1,
        description="devices that carry this segment: VTEPs with the overlay; without it the one routing "
        "device holding its gateway and the layer-2 switches trunked to it",
    )
    description: str = ""


class EndpointBond(Model):
    """An LACP (802.3ad) bond over the endpoint's `attach` port and these ports, on the host as its eth1
    (attach) and eth2.. (members, in order). The switches join their ports into one EVPN multihoming
    Ethernet segment (type-3 ESI from `system_mac` and `es_id`), so either leaf forwards for the host."""

    members: list[LinkEndField] = Field(min_length=1, description="access ports in the attach port's segment")
    es_id: int = Field(ge=1, le=16_777_215, description="Ethernet segment id, unique in the design")
    system_mac: MacAddress = Field(description="LACP system MAC the leaves share towards the host")


class Endpoint(Model):
    """A test host of the lab, cabled to an access port; its segment is the port's segment."""

    name: Name
    attach: LinkEndField
    ipv4: IPv4Interface
    services: list[Name] = Field(
        default=[],
        description="services (security.services) the host answers on: the zone matrix probes them",
    )
    bond: EndpointBond | None = None
    description: str = ""

    @property
    def ports(self) -> list[LinkEnd]:
        """Every switch port the host is cabled to: attach, then the bond's members."""
        return [self.attach, *(self.bond.members if self.bond else [])]


class AsnRange(Model):
    first: Asn
    last: Asn

    @model_validator(mode="after")
    def _ordered(self) -> "AsnRange":
        if self.first > self.last:
            raise ValueError(f"first ({self.first}) is above last ({self.last})")
        return self

    def __contains__(self, asn: int) -> bool:
        return self.first <= asn <= self.last


class UnderlayProtocol(StrEnum):
    EBGP = "ebgp"
    """A BGP session on every routed link, an ASN per device (shared per site by shared_asn_roles, RFC 7938);
    two devices sharing an ASN (two cores) talk iBGP over their link."""
    IBGP = "ibgp"
    """One AS (asn); a BGP session on every routed link, route reflectors (route_reflector_roles) at one end
    at least, reflecting with themselves as next hop."""
    OSPF = "ospf"
    """OSPFv2 in one area on numbered point-to-point links; no BGP, so no EVPN overlay."""


class Underlay(Model):
    """The routing between the devices that route. Which keys apply depends on `protocol`; the loader
    refuses a key of another protocol, naming it."""

    protocol: UnderlayProtocol = UnderlayProtocol.EBGP
    asn_range: AsnRange | None = Field(default=None, description="ebgp: the range of the devices' ASNs")
    shared_asn_roles: list[Role] = Field(
        default=[Role.SPINE, Role.CORE],
        description="ebgp: devices of these roles share one ASN per site (RFC 7938); others have their own",
    )
    asn: Asn | None = Field(default=None, description="ibgp: the one AS of every routing device")
    route_reflector_roles: list[Role] = Field(
        default=[Role.SPINE, Role.CORE],
        description="ibgp: devices of these roles reflect routes to the others; every routed link has one",
    )
    area: IPv4Address = Field(
        default=IPv4Address("0.0.0.0"), description="ospf: the area of every link (dotted decimal)"
    )
    loopback_pool: IPv4Network
    p2p_pool: IPv4Network = Field(description="pool of the /31 subnets of numbered links")
    keepalive: int = Field(default=3, ge=1, le=60, description="BGP keepalive (ebgp, ibgp)")
    holdtime: int = Field(default=9, ge=3, le=180, description="BGP hold time (ebgp, ibgp)")

    @property
    def bgp(self) -> bool:
        return self.protocol is not UnderlayProtocol.OSPF


class Overlay(Model):
    protocol: Literal["evpn-vxlan"] = "evpn-vxlan"
    vtep_roles: list[Role] = [Role.LEAF, Role.BORDER_LEAF, Role.ACCESS]
    vxlan_port: int = Field(default=4789, ge=1, le=65535)
    gateway_mac: MacAddress = Field(
        default="02:00:00:00:01:01",
        description="the anycast gateway MAC: every VTEP answers on each segment's gateway with it",
    )


class Routing(Model):
    underlay: Underlay
    overlay: Overlay | None = Field(
        default=None,
        description="the EVPN-VXLAN overlay; without it a segment is a VLAN on trunks, routed by one device",
    )
    layer2_roles: list[Role] = Field(
        default=[],
        description="devices of these roles only switch (no overlay): no loopback, ASN or routing; their "
        "links are 802.1Q trunks, their access ports untagged",
    )

    def routes(self, role: Role) -> bool:
        """Whether a device of `role` routes (has a loopback and takes part in the underlay)."""
        return role not in self.layer2_roles

    def asn_of(self, device: Device) -> int | None:
        """The AS a routing device speaks BGP in: its own (ebgp), the underlay's (ibgp); None with OSPF."""
        if not self.routes(device.role) or not self.underlay.bgp:
            return None
        return self.underlay.asn if self.underlay.protocol is UnderlayProtocol.IBGP else device.asn

    def is_vtep(self, role: Role) -> bool:
        return self.overlay is not None and role in self.overlay.vtep_roles
