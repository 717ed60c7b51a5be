"""The policy point between zones: the firewall's facts and its configuration, from security.allowed.

The firewall is a Linux node with nftables (and the same rules for iptables, for kernels without nf_tables
ip/inet tables): one 802.1Q sub-interface per zone leg on each uplink to a border
leaf, a route to each zone's segments over that zone's legs, and a forward chain that passes only the
services `security.allowed` names, from the zone that opens the connection (answers pass as established).
`render_firewall` gives the files to put on the node, by absolute path; the lab installs them at boot.
"""

from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from inventory.model import Design, Firewall
from inventory.types import Model
from network.facts import transit_addresses
from network.render import template_environment

NFTABLES_RULES = "/etc/nftables.conf"
IPTABLES_RULES = "/etc/iptables/rules.v4"
FILES = {
    "/etc/network/interfaces": "interfaces.j2",
    NFTABLES_RULES: "nftables.j2",
    IPTABLES_RULES: "iptables.j2",
    "/etc/sysctl.d/90-fundament-firewall.conf": "sysctl.j2",
}


class LegInterface(Model):
    """One leg on one uplink: the firewall's sub-interface, routed to the zone's VRF on the border leaf."""

    name: str
    parent: str
    vlan: int
    zone: str
    ipv4: IPv4Interface
    peer: IPv4Address
    """The border leaf's address in the zone's VRF."""
    peer_device: str
    routes: list[IPv4Network]
    """The zone's segments, routed over this leg."""
    metric: int
    """Lower on the first uplink: the others take over when its link is down (ignore_routes_with_linkdown)."""


class Allowed(Model):
    source: str
    destination: str
    protocol: str
    ports: list[int]
    services: list[str]


class FirewallFacts(Model):
    name: str
    mgmt_ipv4: IPv4Interface
    interfaces: list[LegInterface]
    zones: dict[str, list[str]]
    """Zone -> its sub-interfaces: what nftables matches on."""
    allowed: list[Allowed]


def firewall_facts(design: Design, firewall: Firewall) -> FirewallFacts:
    transit = transit_addresses(firewall)
    prefixes: dict[str, list[IPv4Network]] = {}
    for segment in design.segments:
        prefixes.setdefault(segment.zone, []).append(segment.subnet)
    interfaces = [
        LegInterface(
            name=f"{uplink.interface}.{leg.vlan}",
            parent=uplink.interface,
            vlan=leg.vlan,
            zone=leg.zone,
            ipv4=transit[(index, leg.zone)][1],
            peer=transit[(index, leg.zone)][0].ip,
            peer_device=uplink.attach.device,
            routes=prefixes.get(leg.zone, []),
            metric=100 * (index + 1),
        )
        for index, uplink in enumerate(firewall.uplinks)
        for leg in firewall.legs
    ]
    by_zone: dict[str, list[str]] = {}
    for interface in interfaces:
        by_zone.setdefault(interface.zone, []).append(interface.name)
    allowed = []
    for rule in design.security.allowed:
        services = [design.service_by_name[name] for name in rule.services]
        for protocol in sorted({service.protocol for service in services}):
            chosen = [service for service in services if service.protocol == protocol]
            allowed.append(
                Allowed(
                    source=rule.source,
                    destination=rule.destination,
                    protocol=protocol,
                    ports=sorted({service.port for service in chosen}),
                    services=[service.name for service in chosen],
                )
            )
    return FirewallFacts(
        name=firewall.name,
        mgmt_ipv4=firewall.mgmt_ipv4,
        interfaces=interfaces,
        zones=by_zone,
        allowed=allowed,
    )


def render_firewall(design: Design) -> dict[str, str]:
    """The firewall's files by absolute path; empty when the design names no firewall."""
    firewall = design.security.firewall
    if firewall is None:
        return {}
    facts = firewall_facts(design, firewall)
    environment = template_environment("firewall")
    return {path: environment.get_template(name).render(firewall=facts) for path, name in FILES.items()}
