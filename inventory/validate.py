"""Cross-reference rules over a schema-valid Design. Each rule yields every problem it finds.

Paths are key paths into the merged design (list indexes as in the YAML), so the loader can point at
the file and line of each problem.
"""

import ipaddress
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from inventory.errors import KeyPath, Problem
from inventory.model import Design
from inventory.model.network import UnderlayProtocol

Rule = Callable[[Design], Iterator[Problem]]


def _duplicates(items: Iterable[tuple[KeyPath, Any]], what: str) -> Iterator[Problem]:
    """Report every later occurrence of a value already seen, naming where it was first."""
    first: dict[Any, KeyPath] = {}
    for path, value in items:
        if value in first:
            where = ".".join(str(part) for part in first[value])
            yield Problem(path, f"{what} {value} is already used at {where}")
        else:
            first[value] = path


def unique_names(design: Design) -> Iterator[Problem]:
    names: dict[str, list[str]] = {
        "sites": [site.name for site in design.sites],
        "devices": [device.name for device in design.devices],
        "segments": [segment.name for segment in design.segments],
        "endpoints": [endpoint.name for endpoint in design.endpoints],
    }
    for section, values in names.items():
        yield from _duplicates((((section, i, "name"), name) for i, name in enumerate(values)), "name")
    security = design.security
    zones, services = security.zones, security.services
    yield from _duplicates(((("security", "zones", i, "name"), z.name) for i, z in enumerate(zones)), "zone")
    yield from _duplicates(
        ((("security", "services", i, "name"), s.name) for i, s in enumerate(services)), "service"
    )
    # Devices, endpoints and the firewall are all nodes of the lab: one namespace.
    lab_nodes: list[tuple[KeyPath, str]] = [
        (("devices", i, "name"), d.name) for i, d in enumerate(design.devices)
    ]
    lab_nodes += [(("endpoints", i, "name"), e.name) for i, e in enumerate(design.endpoints)]
    if security.firewall:
        lab_nodes.append((("security", "firewall", "name"), security.firewall.name))
    seen_device_names = {d.name for d in design.devices}
    for path, name in lab_nodes[len(design.devices) :]:
        if name in seen_device_names:
            yield Problem(
                path,
                f"{'endpoint' if path[0] == 'endpoints' else 'firewall'} name {name} is also a device name",
            )
    if security.firewall and security.firewall.name in {e.name for e in design.endpoints}:
        yield Problem(
            ("security", "firewall", "name"),
            f"firewall name {security.firewall.name} is also an endpoint name",
        )


def references(design: Design) -> Iterator[Problem]:
    devices, segments = design.device_by_name, design.segment_by_name
    zones = {zone.name for zone in design.security.zones}

    def unknown(path: KeyPath, kind: str, name: str, known: Iterable[str]) -> Iterator[Problem]:
        if name not in known:
            yield Problem(path, f"unknown {kind} {name!r}")

    for i, device in enumerate(design.devices):
        yield from unknown(("devices", i, "site"), "site", device.site, design.site_by_name)
        for j, port in enumerate(device.access_ports):
            path: KeyPath = ("devices", i, "access_ports", j, "segment")
            yield from unknown(path, "segment", port.segment, segments)
            if port.segment in segments and device.name not in segments[port.segment].present_on:
                yield Problem(
                    path, f"segment {port.segment} is not present on {device.name} (see its present_on)"
                )
    for i, link in enumerate(design.links):
        for side, end in (("a", link.a), ("b", link.b)):
            yield from unknown(("links", i, side, "device"), "device", end.device, devices)
        if link.a.device == link.b.device:
            yield Problem(("links", i), f"link connects {link.a.device} to itself")
    for i, segment in enumerate(design.segments):
        yield from unknown(("segments", i, "zone"), "zone", segment.zone, zones)
        for j, name in enumerate(segment.present_on):
            yield from unknown(("segments", i, "present_on", j), "device", name, devices)
            overlay, role = design.routing.overlay, devices[name].role if name in devices else None
            if overlay is not None and role is not None and role not in overlay.vtep_roles:
                yield Problem(
                    ("segments", i, "present_on", j),
                    f"{name} is a {role}, not a VTEP role ({', '.join(overlay.vtep_roles)})",
                )
    services = design.service_by_name
    for i, endpoint in enumerate(design.endpoints):
        yield from _endpoint_ports(design, i, unknown)
        for j, service in enumerate(endpoint.services):
            yield from unknown(("endpoints", i, "services", j), "service", service, services)
    for i, rule in enumerate(design.security.allowed):
        yield from unknown(("security", "allowed", i, "from"), "zone", rule.source, zones)
        yield from unknown(("security", "allowed", i, "to"), "zone", rule.destination, zones)
        for j, service in enumerate(rule.services):
            yield from unknown(("security", "allowed", i, "services", j), "service", service, services)
    yield from _datacenter_references(design, unknown)
    if design.workplace:
        profiles = {profile.name for profile in design.workplace.profiles}
        yield from unknown(
            ("workplace", "default_profile"), "profile", design.workplace.default_profile, profiles
        )
        for i, profile in enumerate(design.workplace.profiles):
            yield from unknown(("workplace", "profiles", i, "segment"), "segment", profile.segment, segments)


def _endpoint_ports(
    design: Design, i: int, unknown: Callable[[KeyPath, str, str, Iterable[str]], Iterator[Problem]]
) -> Iterator[Problem]:
    """Every port of an endpoint is an access port; a bond's members sit in the attach port's segment."""
    endpoint, devices = design.endpoints[i], design.device_by_name
    segment = design.segment_of(endpoint)
    members = endpoint.bond.members if endpoint.bond else []
    places: list[KeyPath] = [("endpoints", i, "attach")]
    places += [("endpoints", i, "bond", "members", j) for j in range(len(members))]
    for path, port in zip(places, endpoint.ports, strict=True):
        yield from unknown((*path, "device"), "device", port.device, devices)
        device = devices.get(port.device)
        if device is None:
            continue
        ports = {access.interface: access.segment for access in device.access_ports}
        if port.interface not in ports:
            yield Problem(
                (*path, "interface"),
                f"unknown interface {port.interface!r}: not an access port of {device.name}",
            )
        elif segment is not None and ports[port.interface] != segment.name:
            yield Problem(
                (*path, "interface"),
                f"{port.device}:{port.interface} is in segment {ports[port.interface]}, the bond's attach "
                f"port in {segment.name}",
            )


def _datacenter_references(
    design: Design, unknown: Callable[[KeyPath, str, str, Iterable[str]], Iterator[Problem]]
) -> Iterator[Problem]:
    dc = design.datacenter
    if dc is None:
        return
    clusters = {cluster.name for cluster in dc.clusters}
    datastores = {store.name for store in dc.datastores}
    yield from unknown(("datacenter", "site"), "site", dc.site, design.site_by_name)
    for i, store in enumerate(dc.datastores):
        yield from unknown(("datacenter", "datastores", i, "cluster"), "cluster", store.cluster, clusters)
    for i, group in enumerate(dc.port_groups):
        yield from unknown(
            ("datacenter", "port_groups", i, "segment"), "segment", group.segment, design.segment_by_name
        )
    for i, vm in enumerate(dc.workloads):
        yield from unknown(("datacenter", "workloads", i, "cluster"), "cluster", vm.cluster, clusters)
        yield from unknown(("datacenter", "workloads", i, "datastore"), "datastore", vm.datastore, datastores)
        yield from unknown(
            ("datacenter", "workloads", i, "segment"), "segment", vm.segment, design.segment_by_name
        )


def interfaces_used_once(design: Design) -> Iterator[Problem]:
    uses: list[tuple[KeyPath, tuple[str, str]]] = []
    for i, device in enumerate(design.devices):
        uses += [
            (("devices", i, "access_ports", j, "interface"), (device.name, p.interface))
            for j, p in enumerate(device.access_ports)
        ]
    for i, link in enumerate(design.links):
        uses += [
            (("links", i, side, "interface"), (end.device, end.interface))
            for side, end in (("a", link.a), ("b", link.b))
        ]
    firewall = design.security.firewall
    if firewall:
        uses += [
            (
                ("security", "firewall", "uplinks", j, "attach", "interface"),
                (up.attach.device, up.attach.interface),
            )
            for j, up in enumerate(firewall.uplinks)
        ]
        yield from _duplicates(
            (
                (("security", "firewall", "uplinks", j, "interface"), up.interface)
                for j, up in enumerate(firewall.uplinks)
            ),
            "firewall interface",
        )
    cabled: list[tuple[KeyPath, tuple[str, str]]] = []
    for i, endpoint in enumerate(design.endpoints):
        cabled.append((("endpoints", i, "attach"), (endpoint.attach.device, endpoint.attach.interface)))
        members = endpoint.bond.members if endpoint.bond else []
        cabled += [
            (("endpoints", i, "bond", "members", j), (port.device, port.interface))
            for j, port in enumerate(members)
        ]
    yield from _duplicates(((path, f"{d}:{p}") for path, (d, p) in cabled), "endpoint port")
    first: dict[tuple[str, str], KeyPath] = {}
    for path, (name, interface) in uses:
        if (name, interface) in first:
            where = ".".join(str(part) for part in first[(name, interface)])
            yield Problem(path, f"interface {name}:{interface} is already used at {where}")
        else:
            first[(name, interface)] = path


def addresses(design: Design) -> Iterator[Problem]:
    """No address twice; every address inside the pool or subnet it belongs to."""
    used: list[tuple[KeyPath, ipaddress.IPv4Address]] = []
    underlay, management = design.routing.underlay, design.management
    for i, device in enumerate(design.devices):
        used.append((("devices", i, "mgmt_ipv4"), device.mgmt_ipv4.ip))
        if device.loopback is None:
            continue
        used.append((("devices", i, "loopback"), device.loopback))
        if device.loopback not in underlay.loopback_pool:
            yield Problem(
                ("devices", i, "loopback"),
                f"{device.loopback} is outside loopback_pool {underlay.loopback_pool}",
            )
        if device.mgmt_ipv4.network != management.subnet:
            yield Problem(
                ("devices", i, "mgmt_ipv4"),
                f"{device.mgmt_ipv4} is not in management subnet {management.subnet}",
            )
    for i, link in enumerate(design.links):
        for side, end in (("a", link.a), ("b", link.b)):
            if end.ipv4 is None:
                continue
            used.append((("links", i, side, "ipv4"), end.ipv4.ip))
            if not end.ipv4.network.subnet_of(underlay.p2p_pool):
                yield Problem(
                    ("links", i, side, "ipv4"), f"{end.ipv4} is outside p2p_pool {underlay.p2p_pool}"
                )
    for i, segment in enumerate(design.segments):
        used.append((("segments", i, "gateway"), segment.gateway))
    segment_of_port = {
        (device.name, port.interface): port.segment
        for device in design.devices
        for port in device.access_ports
    }
    for i, endpoint in enumerate(design.endpoints):
        used.append((("endpoints", i, "ipv4"), endpoint.ipv4.ip))
        attached = design.segment_by_name.get(
            segment_of_port.get((endpoint.attach.device, endpoint.attach.interface), "")
        )
        if attached and endpoint.ipv4.network != attached.subnet:
            yield Problem(
                ("endpoints", i, "ipv4"),
                f"{endpoint.ipv4} is not in segment {attached.name} ({attached.subnet})",
            )
    firewall = design.security.firewall
    if firewall:
        path = ("security", "firewall", "mgmt_ipv4")
        used.append((path, firewall.mgmt_ipv4.ip))
        if firewall.mgmt_ipv4.network != management.subnet:
            yield Problem(path, f"{firewall.mgmt_ipv4} is not in management subnet {management.subnet}")
    if management.gateway not in management.subnet:
        yield Problem(("management", "gateway"), f"{management.gateway} is outside {management.subnet}")
    yield from _duplicates(used, "address")


def subnets_do_not_overlap(design: Design) -> Iterator[Problem]:
    underlay = design.routing.underlay
    networks: list[tuple[KeyPath, ipaddress.IPv4Network]] = [
        (("management", "subnet"), design.management.subnet),
        (("routing", "underlay", "loopback_pool"), underlay.loopback_pool),
        (("routing", "underlay", "p2p_pool"), underlay.p2p_pool),
    ]
    networks += [(("segments", i, "subnet"), segment.subnet) for i, segment in enumerate(design.segments)]
    if design.security.firewall:
        networks.append((("security", "firewall", "transit_pool"), design.security.firewall.transit_pool))
    # Sorting by first address makes overlap a neighbour relation: one pass instead of all pairs.
    ordered = sorted(networks, key=lambda item: (item[1].network_address, -item[1].prefixlen))
    widest: tuple[KeyPath, ipaddress.IPv4Network] | None = None
    for path, network in ordered:
        if widest and network.overlaps(widest[1]):
            where = ".".join(str(part) for part in widest[0])
            yield Problem(path, f"subnet {network} overlaps {widest[1]} at {where}")
        if widest is None or network.broadcast_address > widest[1].broadcast_address:
            widest = (path, network)


def segment_ids(design: Design) -> Iterator[Problem]:
    """VNIs are fabric-wide. A VLAN id is local to a layer-2 domain: two segments (or a segment and a zone's
    L3VNI VLAN) may share one as long as no device carries both; another site may reuse VLAN 100."""
    vnis: list[tuple[KeyPath, int]] = [
        (("segments", i, "vni"), s.vni) for i, s in enumerate(design.segments) if s.vni is not None
    ]
    vnis += [
        (("security", "zones", i, "vrf", "l3vni"), zone.vrf.l3vni)
        for i, zone in enumerate(design.security.zones)
        if zone.vrf
    ]
    yield from _duplicates(vnis, "VNI")
    zone_index = {zone.name: i for i, zone in enumerate(design.security.zones)}
    vlans_on: dict[str, list[tuple[KeyPath, int]]] = {}
    for i, segment in enumerate(design.segments):
        for device in segment.present_on:
            vlans_on.setdefault(device, []).append((("segments", i, "vlan"), segment.vlan))
    for segment in design.segments:
        zone = design.zone_by_name.get(segment.zone)
        if zone and zone.vrf:
            for device in segment.present_on:
                path: KeyPath = ("security", "zones", zone_index[zone.name], "vrf", "vlan")
                if (path, zone.vrf.vlan) not in vlans_on[device]:
                    vlans_on[device].append((path, zone.vrf.vlan))
    reported: set[KeyPath] = set()
    for device, vlans in vlans_on.items():
        for problem in _duplicates(vlans, "VLAN"):
            if problem.path not in reported:
                reported.add(problem.path)
                yield Problem(problem.path, f"{problem.message} on {device}")


PROTOCOL_KEYS: dict[UnderlayProtocol, frozenset[str]] = {
    UnderlayProtocol.EBGP: frozenset({"asn_range", "shared_asn_roles", "keepalive", "holdtime"}),
    UnderlayProtocol.IBGP: frozenset({"asn", "route_reflector_roles", "keepalive", "holdtime"}),
    UnderlayProtocol.OSPF: frozenset({"area"}),
}
"""The underlay keys each protocol reads; a key only another protocol reads is a mistake worth naming."""
_REQUIRED_KEYS = {
    UnderlayProtocol.EBGP: ("asn_range", "every device's ASN comes from it"),
    UnderlayProtocol.IBGP: ("asn", "the one AS of every routing device"),
}


def underlay_settings(design: Design) -> Iterator[Problem]:
    """The underlay's keys fit its protocol; OSPF carries no EVPN; layer-2 switches hang off a core."""
    routing = design.routing
    underlay, base = routing.underlay, ("routing", "underlay")
    protocol = underlay.protocol
    for key in sorted(underlay.model_fields_set - PROTOCOL_KEYS[protocol] - {"protocol"}):
        if key in set().union(*PROTOCOL_KEYS.values()):
            readers = ", ".join(p.value for p, keys in PROTOCOL_KEYS.items() if key in keys)
            yield Problem((*base, key), f"a setting of {readers}: the underlay is {protocol}, remove it")
    if protocol in _REQUIRED_KEYS:
        key, why = _REQUIRED_KEYS[protocol]
        if key not in underlay.model_fields_set:
            yield Problem((*base, key), f"missing: an {protocol} underlay needs it ({why})")
    if protocol is UnderlayProtocol.OSPF and routing.overlay is not None:
        yield Problem(
            ("routing", "overlay"),
            "EVPN runs over BGP: an ospf underlay carries no overlay (remove it, or use ebgp or ibgp)",
        )
    if routing.layer2_roles and routing.overlay is not None:
        yield Problem(
            ("routing", "layer2_roles"),
            "layer-2 switches trunk to a core that routes their segments: with the EVPN overlay the "
            "segments live on VTEPs instead (remove layer2_roles, or the overlay)",
        )


def routing_devices(design: Design) -> Iterator[Problem]:
    """A routing device has a loopback and, as its underlay needs, an ASN; a layer-2 switch has neither."""
    routing = design.routing
    underlay = routing.underlay
    for i, device in enumerate(design.devices):
        if not routing.routes(device.role):
            for key in ("loopback", "asn"):
                if getattr(device, key) is not None:
                    yield Problem(
                        ("devices", i, key),
                        f"{device.name} is a layer-2 switch ({device.role} is in routing.layer2_roles): "
                        f"it has no {key}",
                    )
            continue
        if device.loopback is None:
            yield Problem(
                ("devices", i, "loopback"), "missing: a routing device has a loopback (its router id)"
            )
        if underlay.protocol is UnderlayProtocol.EBGP and device.asn is None:
            yield Problem(("devices", i, "asn"), "missing: an ebgp underlay needs the device's own ASN")
        elif underlay.protocol is UnderlayProtocol.IBGP and device.asn not in (None, underlay.asn):
            yield Problem(
                ("devices", i, "asn"), f"ASN {device.asn}: the ibgp underlay is one AS, {underlay.asn}"
            )
        elif underlay.protocol is UnderlayProtocol.OSPF and device.asn is not None:
            yield Problem(("devices", i, "asn"), "an ospf underlay has no ASNs: remove it")


def routed_links(design: Design) -> Iterator[Problem]:
    """A link with a layer-2 switch at an end is a trunk (no addresses); a routed link suits the underlay:
    numbered for OSPF, a route reflector at an end for iBGP."""
    routing, devices = design.routing, design.device_by_name
    underlay = routing.underlay
    for i, link in enumerate(design.links):
        a, b = devices.get(link.a.device), devices.get(link.b.device)
        if a is None or b is None:
            continue
        switch = next((d for d in (a, b) if not routing.routes(d.role)), None)
        if switch is not None:
            for side, end in (("a", link.a), ("b", link.b)):
                if end.ipv4 is not None:
                    yield Problem(
                        ("links", i, side, "ipv4"),
                        f"a trunk carries VLANs, not addresses ({switch.name} is a layer-2 switch)",
                    )
        elif underlay.protocol is UnderlayProtocol.OSPF and not (link.a.ipv4 or link.b.ipv4):
            yield Problem(("links", i), "an ospf underlay runs on numbered links: give both ends an ipv4 /31")
        elif underlay.protocol is UnderlayProtocol.IBGP and not (
            a.role in underlay.route_reflector_roles or b.role in underlay.route_reflector_roles
        ):
            reflectors = ", ".join(underlay.route_reflector_roles) or "none"
            yield Problem(
                ("links", i),
                f"ibgp: neither {a.name} nor {b.name} is a route reflector (route_reflector_roles: "
                f"{reflectors}); one end must be, or their routes go no further",
            )


def segment_placement(design: Design) -> Iterator[Problem]:
    """With the overlay every segment has a VNI. Without it a segment has none; its gateway lives on one
    routing device, and every layer-2 switch carrying it has a trunk path to that device through switches
    carrying it too."""
    routing, devices = design.routing, design.device_by_name
    trunk_peers: dict[str, list[str]] = {}
    for link in design.links:
        a, b = devices.get(link.a.device), devices.get(link.b.device)
        if a and b and not (routing.routes(a.role) and routing.routes(b.role)):
            trunk_peers.setdefault(a.name, []).append(b.name)
            trunk_peers.setdefault(b.name, []).append(a.name)
    for i, segment in enumerate(design.segments):
        if routing.overlay is not None:
            if segment.vni is None:
                yield Problem(("segments", i, "vni"), "missing: the EVPN overlay maps every segment to a VNI")
            continue
        if segment.vni is not None:
            yield Problem(("segments", i, "vni"), "a VNI needs the EVPN overlay (routing.overlay): remove it")
        carriers = [name for name in segment.present_on if name in devices]
        routers = [name for name in carriers if routing.routes(devices[name].role)]
        if len(routers) != 1:
            yield Problem(
                ("segments", i, "present_on"),
                "without the EVPN overlay a segment's gateway lives on one routing device, here "
                f"{', '.join(routers) if routers else 'none'}",
            )
            continue
        carried, reached, todo = set(carriers), set(routers), list(routers)
        while todo:
            for peer in trunk_peers.get(todo.pop(), []):
                if peer in carried and peer not in reached:
                    reached.add(peer)
                    todo.append(peer)
        for j, name in enumerate(segment.present_on):
            if name in carried and name not in reached:
                yield Problem(
                    ("segments", i, "present_on", j),
                    f"{name} has no trunk path to {routers[0]} (the gateway of {segment.name}) through "
                    "switches carrying the segment",
                )


def gateways(design: Design) -> Iterator[Problem]:
    for i, segment in enumerate(design.segments):
        subnet = segment.subnet
        if segment.gateway not in subnet:
            yield Problem(("segments", i, "gateway"), f"gateway {segment.gateway} is outside subnet {subnet}")
        elif segment.gateway in (subnet.network_address, subnet.broadcast_address):
            yield Problem(
                ("segments", i, "gateway"), f"gateway {segment.gateway} is not a host address of {subnet}"
            )


def asn_rules(design: Design) -> Iterator[Problem]:
    """eBGP underlay: ASNs in range; shared roles share one ASN per site (and may be linked: iBGP between
    them); everyone else is unique."""
    underlay = design.routing.underlay
    asn_range = underlay.asn_range
    if underlay.protocol is not UnderlayProtocol.EBGP or asn_range is None:
        return
    shared: dict[tuple[str, str], tuple[int, str]] = {}
    owner: dict[int, tuple[str, tuple[str, str] | None]] = {}
    for i, device in enumerate(design.devices):
        path: KeyPath = ("devices", i, "asn")
        if device.asn is None:
            continue
        if device.asn not in asn_range:
            yield Problem(path, f"ASN {device.asn} is outside asn_range {asn_range.first}-{asn_range.last}")
        group = (device.site, device.role.value) if device.role in underlay.shared_asn_roles else None
        if group and group in shared and shared[group][0] != device.asn:
            asn, first = shared[group]
            yield Problem(
                path, f"{device.role} devices of site {device.site} share one ASN: {first} has {asn}"
            )
            continue
        if group:
            shared.setdefault(group, (device.asn, device.name))
        if device.asn in owner and (owner[device.asn][1] is None or owner[device.asn][1] != group):
            yield Problem(path, f"ASN {device.asn} is already used by {owner[device.asn][0]}")
        owner.setdefault(device.asn, (device.name, group))


def link_addressing(design: Design) -> Iterator[Problem]:
    for i, link in enumerate(design.links):
        a, b = link.a.ipv4, link.b.ipv4
        if (a is None) != (b is None):
            numbered, bare = ("a", "b") if a is not None else ("b", "a")
            yield Problem(
                ("links", i, bare), f"end {numbered} is numbered but end {bare} is not: both or neither"
            )
        elif a is not None and b is not None:
            if a.network.prefixlen != 31 or b.network.prefixlen != 31:
                yield Problem(("links", i), f"numbered links are /31: {a} and {b}")
            elif a.network != b.network:
                yield Problem(("links", i, "b", "ipv4"), f"{b} is not in the same /31 as {a}")


def link_mtu(design: Design) -> Iterator[Problem]:
    """A link's MTU may be below its devices' (a carrier circuit), never above: the port cannot send it."""
    devices = design.device_by_name
    for i, link in enumerate(design.links):
        for end in link.ends:
            device = devices.get(end.device)
            if link.mtu is not None and device is not None and link.mtu > device.mtu:
                yield Problem(
                    ("links", i, "mtu"), f"MTU {link.mtu} is more than {device.name}'s MTU {device.mtu}"
                )


def zone_routing(design: Design) -> Iterator[Problem]:
    """Zone VRFs name their Linux device: at most 15 characters. Traffic between two routed zones needs
    the firewall with a leg in each; the firewall hangs off VTEPs that route the zones' VRFs."""
    zones = design.zone_by_name
    for i, zone in enumerate(design.security.zones):
        if zone.vrf and design.routing.overlay is None:
            yield Problem(
                ("security", "zones", i, "vrf"),
                "a zone VRF routes over its L3VNI: it needs the EVPN overlay (routing.overlay)",
            )
        if zone.vrf and len(zone.name) > 15:
            yield Problem(
                ("security", "zones", i, "name"), f"zone {zone.name} has a VRF: at most 15 characters"
            )
    firewall = design.security.firewall
    legs = {leg.zone for leg in firewall.legs} if firewall else set()
    for i, rule in enumerate(design.security.allowed):
        for key, name in (("from", rule.source), ("to", rule.destination)):
            routed = zones.get(name)
            if routed is None or routed.vrf is None:
                continue
            if firewall is None:
                yield Problem(
                    ("security", "allowed", i, key),
                    f"zone {name} has a vrf: routing between zones needs a policy point (security.firewall)",
                )
            elif name not in legs:
                yield Problem(
                    ("security", "allowed", i, key), f"zone {name} has no leg on firewall {firewall.name}"
                )
    if firewall is None:
        return
    base: KeyPath = ("security", "firewall")
    yield from _duplicates(
        ((((*base, "legs", j, "zone")), leg.zone) for j, leg in enumerate(firewall.legs)), "zone"
    )
    yield from _duplicates(
        ((((*base, "legs", j, "vlan")), leg.vlan) for j, leg in enumerate(firewall.legs)), "VLAN"
    )
    for j, leg in enumerate(firewall.legs):
        leg_zone = zones.get(leg.zone)
        if leg_zone is None:
            yield Problem((*base, "legs", j, "zone"), f"unknown zone {leg.zone!r}")
        elif leg_zone.vrf is None:
            yield Problem((*base, "legs", j, "zone"), f"zone {leg.zone} has no vrf to route to the firewall")
    devices = design.device_by_name
    vtep_roles = design.routing.overlay.vtep_roles if design.routing.overlay else []
    for j, uplink in enumerate(firewall.uplinks):
        path: KeyPath = (*base, "uplinks", j, "attach", "device")
        device = devices.get(uplink.attach.device)
        if device is None:
            yield Problem(path, f"unknown device {uplink.attach.device!r}")
        elif device.role not in vtep_roles:
            yield Problem(
                path, f"{device.name} is a {device.role}, not a VTEP role ({', '.join(vtep_roles)})"
            )
    needed = 2 * len(firewall.uplinks) * len(firewall.legs)
    if firewall.transit_pool.num_addresses < needed:
        yield Problem(
            (*base, "transit_pool"),
            f"{firewall.transit_pool} has {firewall.transit_pool.num_addresses} addresses, "
            f"{len(firewall.uplinks)} uplinks x {len(firewall.legs)} legs need {needed}",
        )


def bonds(design: Design) -> Iterator[Problem]:
    """An Ethernet segment id names one bond in the whole fabric; multihoming is an EVPN feature."""
    if design.routing.overlay is None:
        for i, endpoint in enumerate(design.endpoints):
            if endpoint.bond:
                yield Problem(
                    ("endpoints", i, "bond"),
                    "a bond over two switches is EVPN multihoming: it needs the overlay",
                )
    yield from _duplicates(
        (
            (("endpoints", i, "bond", "es_id"), endpoint.bond.es_id)
            for i, endpoint in enumerate(design.endpoints)
            if endpoint.bond
        ),
        "es_id",
    )


RULES: tuple[Rule, ...] = (
    unique_names,
    references,
    interfaces_used_once,
    addresses,
    subnets_do_not_overlap,
    segment_ids,
    gateways,
    underlay_settings,
    routing_devices,
    routed_links,
    segment_placement,
    asn_rules,
    link_addressing,
    link_mtu,
    zone_routing,
    bonds,
)


def cross_check(design: Design) -> list[Problem]:
    return [problem for rule in RULES for problem in rule(design)]
