"""Management plane and baseline services every device gets, and the security zones."""

from typing import Literal

from pydantic import Field

from inventory.model.network import LinkEndField
from inventory.types import (
    InterfaceName,
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    Model,
    Name,
    VlanId,
    Vni,
)


class SecretRef(Model):
    """A secret by reference: the name of an environment variable or vault entry, never the value."""

    secret: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$", description="environment variable / vault key name")


class SyslogServer(Model):
    host: IPv4Address
    port: int = Field(default=514, ge=1, le=65535)
    protocol: Literal["udp", "tcp"] = "udp"


class Ssh(Model):
    """SSH is the only management protocol: no telnet, no plain HTTP."""

    version: Literal[2] = 2
    allowed_from: list[IPv4Network] = Field(min_length=1)
    idle_timeout_minutes: int = Field(default=10, ge=1, le=60)


class User(Model):
    name: Name
    role: Literal["network-admin", "network-operator"]
    password: SecretRef


class AaaServer(Model):
    host: IPv4Address
    key: SecretRef


class Aaa(Model):
    users: list[User] = Field(min_length=1)
    tacacs: list[AaaServer] = []


class Management(Model):
    subnet: IPv4Network = Field(description="out-of-band management network (containerlab's mgmt network)")
    gateway: IPv4Address
    domain: str = Field(pattern=r"^[a-z0-9.-]+$")
    ntp: list[IPv4Address] = Field(min_length=1)
    dns: list[IPv4Address] = Field(min_length=1)
    syslog: list[SyslogServer] = Field(min_length=1)
    ssh: Ssh
    aaa: Aaa
    banner: str
    timezone: str = "Europe/Amsterdam"


class ZoneVrf(Model):
    """The zone's VRF on every VTEP carrying one of its segments: routing between the zone's own segments
    there (symmetric IRB over the L3VNI), and towards other zones only through the firewall."""

    l3vni: Vni
    vlan: VlanId = Field(description="VLAN that carries the L3VNI on the VTEPs' VLAN-aware bridges")


class Zone(Model):
    name: Name
    description: str
    bio_classification: Literal["BBN1", "BBN2", "BBN3"] = Field(
        description="BIO basic security level of what lives in this zone"
    )
    vrf: ZoneVrf | None = Field(
        default=None, description="route the zone's segments in a VRF of their own (none: layer 2 only)"
    )


class Service(Model):
    """A service the policy allows by name: one transport port."""

    name: Name
    protocol: Literal["tcp", "udp"]
    port: int = Field(ge=1, le=65535)


class ZoneRule(Model):
    """Traffic the design allows between two zones (everything else is denied): connections opened from
    `from` to these services in `to`; only their answers flow back."""

    source: Name = Field(alias="from")
    destination: Name = Field(alias="to")
    services: list[Name] = Field(min_length=1, description="names from security.services")


class FirewallUplink(Model):
    """One cable from the firewall to a border leaf; it carries every leg as an 802.1Q sub-interface."""

    interface: InterfaceName = Field(description="the firewall's port")
    attach: LinkEndField = Field(description="the border leaf's port (device:ethN)")


class FirewallLeg(Model):
    """The firewall's side of one zone: on every uplink a sub-interface in this VLAN, routed to the zone's
    VRF on the border leaf."""

    zone: Name
    vlan: VlanId


class Firewall(Model):
    """The policy point between zones: a Linux + nftables node cabled to the border leaves. Each zone VRF
    sends what it cannot route itself here (a default route over its leg); the firewall passes only what
    security.allowed names, statefully, and routes it into the destination zone's VRF.

    Each leg on each uplink is a /31 from `transit_pool`, taken in order: uplink by uplink, leg by leg; the
    border leaf has the first address of each /31, the firewall the second."""

    name: Name
    mgmt_ipv4: IPv4Interface = Field(description="management address with the management prefix length")
    uplinks: list[FirewallUplink] = Field(min_length=1)
    legs: list[FirewallLeg] = Field(min_length=1)
    transit_pool: IPv4Network


class Security(Model):
    zones: list[Zone] = Field(min_length=1)
    services: list[Service] = []
    allowed: list[ZoneRule] = []
    firewall: Firewall | None = Field(default=None, description="the policy point routing between zone VRFs")
