"""Zones: the service-level zone matrix between test hosts, the anycast gateway each host sees, the
interfaces that carry zones on each VTEP (anycast gateways with one MAC, L3VNI interfaces, bonds, legs), the
VLANs each port carries, the routes of each zone's VRF, and the Ethernet segments of dual-homed servers."""

import json
from collections.abc import Iterator
from ipaddress import IPv4Address
from itertools import permutations
from typing import Literal, Self

from pydantic import Field

from inventory.model import Design, Endpoint, Service
from inventory.model.migration import Feature
from inventory.types import MacAddress, Model, Name
from network.facts import DeviceFacts
from network.targets import Target
from network.verify.check import Check, DeviceCheck, DeviceInput, Scope, Verdict, failed, passed
from network.verify.checks.cabling import not_up
from network.verify.checks.overlay import Host, TargetHost, host, live_on, routed, target_host
from network.verify.observe import (
    FLAG,
    INTERFACES,
    MAC,
    ROUTES,
    TEXT,
    VLANS,
    Cli,
    EndpointNeighbor,
    EndpointProbe,
    Getter,
    Observations,
    Request,
)


class ServicePort(Model):
    name: Name
    protocol: Literal["tcp", "udp"]
    port: int = Field(ge=1, le=65535)


class ServiceInput(Model):
    source: Host
    target: TargetHost
    service: ServicePort
    expect: Literal["open", "blocked"]
    reason: str = Field(description="why the design expects this: shown in every result")


class ZoneService(Check[ServiceInput]):
    name = "zone-service"
    description = (
        "The zone matrix: a test host opens a service of another (TCP connect, UDP echo) exactly where "
        "the zones and security.allowed permit it."
    )
    Input = ServiceInput
    tags = ("zones", "policy")
    needs = ("endpoint-probe",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        """Every service of every routed test host, from every other one, both ways."""
        design = scope.design
        for source, target in permutations(_routed_hosts(scope), 2):
            for name in target.services:
                yield cls(_service_expectation(design, source, target, design.service_by_name[name]))

    @property
    def title(self) -> str:
        verb = "opens" if self.inputs.expect == "open" else "cannot open"
        service, source, target = self.inputs.service, self.inputs.source.name, self.inputs.target.name
        return f"{source} {verb} {service.name} ({service.protocol}/{service.port}) on {target}"

    @property
    def devices(self) -> tuple[str, ...]:
        ends = (self.inputs.source.attach.split(":")[0], self.inputs.target.attach.split(":")[0])
        return tuple(dict.fromkeys(ends))

    def _probe(self) -> EndpointProbe:
        service = self.inputs.service
        return EndpointProbe(
            self.inputs.source.name, str(self.inputs.target.ipv4), service.protocol, service.port
        )

    def requests(self) -> list[Request]:
        return [self._probe()]

    def evaluate(self, seen: Observations) -> Verdict:
        opened = seen.parse(self._probe(), FLAG)
        source, target, service = self.inputs.source, self.inputs.target, self.inputs.service
        what = f"{service.name} on {target} {target.ipv4}:{service.port}/{service.protocol}"
        if opened == (self.inputs.expect == "open"):
            verb = "opens" if opened else "cannot open"
            return passed(f"{source} {verb} {what}: {self.inputs.reason}")
        if opened:
            return failed(f"{source} opens {what} but must not: {self.inputs.reason}")
        return failed(f"{source} cannot open {what}: {self.inputs.reason}")


class GatewayInput(Model):
    host: Host
    gateway: IPv4Address
    mac: MacAddress


class AnycastGateway(Check[GatewayInput]):
    name = "anycast-gateway"
    description = "A test host's gateway answers with the design's anycast gateway MAC."
    Input = GatewayInput
    tags = ("zones", "gateway")
    needs = ("endpoint-neighbor",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        for endpoint in _routed_hosts(scope):
            segment = scope.design.segment_of(endpoint)
            assert segment is not None  # a validated design
            overlay = scope.design.routing.overlay
            assert overlay is not None  # routed zones have a VRF: the loader allows one with the overlay only
            mac = overlay.gateway_mac
            yield cls(GatewayInput(host=host(scope.design, endpoint), gateway=segment.gateway, mac=mac))

    @property
    def title(self) -> str:
        return f"gateway {self.inputs.gateway} of {self.inputs.host.name}"

    @property
    def devices(self) -> tuple[str, ...]:
        return (self.inputs.host.attach.split(":")[0],)

    def _neighbor(self) -> EndpointNeighbor:
        return EndpointNeighbor(self.inputs.host.name, str(self.inputs.gateway))

    def requests(self) -> list[Request]:
        return [self._neighbor()]

    def evaluate(self, seen: Observations) -> Verdict:
        mac = seen.parse(self._neighbor(), MAC).lower()
        host, gateway = self.inputs.host, self.inputs.gateway
        if mac == self.inputs.mac:
            return passed(f"{host}: gateway {gateway} answers with the anycast MAC {mac}")
        if not mac:
            return failed(f"{host}: gateway {gateway} does not answer (no ARP entry)")
        return failed(f"{host}: gateway {gateway} answers with {mac}, not the anycast MAC {self.inputs.mac}")


class ZoneInterface(Model):
    name: str
    purpose: str
    mac: MacAddress | None = Field(default=None, description="the MAC it must have (anycast gateways)")


class ZoneInterfacesInput(DeviceInput):
    interfaces: list[ZoneInterface] = Field(min_length=1)


class ZoneInterfaces(DeviceCheck[ZoneInterfacesInput]):
    name = "zone-interfaces"
    description = (
        "On a VTEP, the interfaces that carry zones are up: each segment's anycast gateway with the one "
        "gateway MAC, each VRF's L3VNI interface, each multihomed bond, each leg to the firewall."
    )
    Input = ZoneInterfacesInput
    tags = ("zones", "gateway", "esi")
    needs = ("get_interfaces",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        for name, facts in _zoned(scope).items():
            spec = scope.platform(name)
            wanted = [
                ZoneInterface(
                    name=spec.svi_name(s.vlan), purpose=f"gateway of {s.name}", mac=facts.gateway_mac
                )
                for s in facts.segments
                if s.vrf
            ]
            wanted += [
                ZoneInterface(name=spec.svi_name(v.vlan), purpose=f"L3VNI {v.l3vni} of VRF {v.name}")
                for v in facts.vrfs
            ]
            wanted += [
                ZoneInterface(name=spec.bond_name(b.es_id), purpose=f"bond, ES {b.es_id} ({b.description})")
                for b in facts.bonds
            ]
            wanted += [
                ZoneInterface(name=leg.interface, purpose=f"leg of VRF {v.name} to {leg.firewall}")
                for v in facts.vrfs
                for leg in v.legs
            ]
            if wanted:
                yield cls(ZoneInterfacesInput(device=name, interfaces=wanted))

    @property
    def title(self) -> str:
        return f"zone interfaces of {self.inputs.device}"

    def requests(self) -> list[Request]:
        return [Getter(self.inputs.device, "get_interfaces")]

    def evaluate(self, seen: Observations) -> Verdict:
        device = self.inputs.device
        interfaces = seen.parse(Getter(device, "get_interfaces"), INTERFACES)
        problems = []
        for wanted in self.inputs.interfaces:
            problem = not_up(interfaces, device, wanted.name, wanted.purpose)
            if problem is None and wanted.mac is not None:
                mac = interfaces[wanted.name].mac_address.lower()
                if mac != wanted.mac:
                    problem = f"{device}:{wanted.name} ({wanted.purpose}) has MAC {mac}, not {wanted.mac}"
            if problem is not None:
                problems.append(problem)
        if problems:
            return failed("; ".join(problems))
        return passed(
            f"{device}: {len(self.inputs.interfaces)} zone interfaces up, gateways on the anycast MAC"
        )


class PortVlans(Model):
    port: str
    vlans: list[int] = Field(min_length=1)
    purpose: str


class VlanMembershipInput(DeviceInput):
    ports: list[PortVlans] = Field(min_length=1)


class VlanMembership(DeviceCheck[VlanMembershipInput]):
    name = "vlan-membership"
    description = (
        "Each bridge port of a VTEP carries exactly the VLANs the design gives it: an access port or bond "
        "its segment's, a VXLAN device its VNI's, a trunk every segment it carries."
    )
    Input = VlanMembershipInput
    tags = ("zones", "vlans")
    needs = ("get_vlans",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        """A zoned VTEP's VLANs per bridge port."""
        for name, facts in _zoned(scope).items():
            spec = scope.platform(name)
            ports = [
                PortVlans(port=p.name, vlans=[p.vlan], purpose=f"access port of {p.segment}")
                for p in facts.access_ports
                if p.bond is None
            ]
            ports += [
                PortVlans(port=spec.bond_name(b.es_id), vlans=[b.vlan], purpose=f"bond of {b.description}")
                for b in facts.bonds
            ]
            ports += [
                PortVlans(port=spec.vxlan_name(s.vni), vlans=[s.vlan], purpose=f"VNI {s.vni}")
                for s in facts.segments
            ]
            ports += [
                PortVlans(port=spec.vxlan_name(v.l3vni), vlans=[v.vlan], purpose=f"L3VNI {v.l3vni}")
                for v in facts.vrfs
            ]
            if ports:
                yield cls(VlanMembershipInput(device=name, ports=ports))

    @property
    def title(self) -> str:
        return f"VLANs of {self.inputs.device}'s bridge ports"

    def requests(self) -> list[Request]:
        return [Getter(self.inputs.device, "get_vlans")]

    def evaluate(self, seen: Observations) -> Verdict:
        device = self.inputs.device
        carried: dict[str, set[int]] = {}
        for vid, vlan in seen.parse(Getter(device, "get_vlans"), VLANS).items():
            for port in vlan.interfaces:
                carried.setdefault(port, set()).add(vid)
        problems = [
            f"{device}:{wanted.port} ({wanted.purpose}) carries VLANs "
            f"{_vlan_list(carried.get(wanted.port, set()))}, not {_vlan_list(set(wanted.vlans))}"
            for wanted in self.inputs.ports
            if carried.get(wanted.port, set()) != set(wanted.vlans)
        ]
        if problems:
            return failed("; ".join(problems))
        return passed(f"{device}: {len(self.inputs.ports)} bridge ports carry exactly their VLANs")


def _vlan_list(vids: set[int]) -> str:
    return ",".join(str(vid) for vid in sorted(vids)) or "none"


class VrfTable(Model):
    vrf: Name
    present: list[str] = Field(description="prefixes the VRF must route: its zone's subnets, its way out")
    absent: list[str] = Field(description="prefixes it must not: the other zones' subnets")


class VrfRoutesInput(DeviceInput):
    vrfs: list[VrfTable] = Field(min_length=1)


class VrfRoutes(DeviceCheck[VrfRoutesInput]):
    name = "vrf-routes"
    description = (
        "Each zone's VRF on a VTEP routes its own zone's subnets and its default route to the policy point, "
        "and none of another zone's subnets (which would bypass the firewall)."
    )
    Input = VrfRoutesInput
    tags = ("zones", "routing")
    needs = ("get_route_to",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        """A zoned VTEP's routes per VRF. A zone's subnets are routed once a VTEP carrying them has zones
        live; its way out once a border leaf with a leg in it has."""
        zoned = _zoned(scope)
        subnets: dict[str, list[str]] = {}
        for segment in scope.design.segments:
            if scope.design.zone_by_name[segment.zone].vrf and set(segment.present_on) & set(zoned):
                subnets.setdefault(segment.zone, []).append(str(segment.subnet))
        with_exit = {v.zone for other in zoned.values() for v in other.vrfs if v.legs}
        for name, facts in zoned.items():
            tables = [
                VrfTable(
                    vrf=v.name,
                    present=subnets.get(v.zone, []) + (["0.0.0.0/0"] if v.zone in with_exit else []),
                    absent=[prefix for zone, found in subnets.items() if zone != v.zone for prefix in found],
                )
                for v in facts.vrfs
            ]
            if tables:
                yield cls(VrfRoutesInput(device=name, vrfs=tables))

    @property
    def title(self) -> str:
        return f"routes per VRF on {self.inputs.device}"

    def requests(self) -> list[Request]:
        return [Getter(self.inputs.device, "get_route_to")]

    def evaluate(self, seen: Observations) -> Verdict:
        device = self.inputs.device
        tables: dict[str, set[str]] = {}
        for prefix, routes in seen.parse(Getter(device, "get_route_to"), ROUTES).items():
            for route in routes:
                if route.current_active:
                    tables.setdefault(route.routing_table, set()).add(prefix)
        problems = []
        for table in self.inputs.vrfs:
            routed = tables.get(table.vrf, set())
            missing = [prefix for prefix in table.present if prefix not in routed]
            leaked = [prefix for prefix in table.absent if prefix in routed]
            if missing:
                problems.append(f"VRF {table.vrf} on {device} has no route to {', '.join(missing)}")
            if leaked:
                problems.append(f"VRF {table.vrf} on {device} routes another zone's {', '.join(leaked)}")
        if problems:
            return failed("; ".join(problems))
        prefixes = sum(len(table.present) for table in self.inputs.vrfs)
        vrfs = len(self.inputs.vrfs)
        return passed(f"{device}: {vrfs} VRFs route their {prefixes} prefixes and no other zone's")


class EthernetSegment(Model):
    bond: str
    esi: str
    peers: list[IPv4Address] = Field(min_length=1, description="the other VTEPs sharing the segment")


class EthernetSegmentsInput(DeviceInput):
    segments: list[EthernetSegment] = Field(min_length=1)


EVPN_ES_COMMAND = "show evpn es detail json"


class EthernetSegments(DeviceCheck[EthernetSegmentsInput]):
    name = "evpn-es"
    description = (
        "Each dual-homed server's bond is a local EVPN Ethernet segment that is up and shared with the other "
        "VTEP of its pair (EVPN multihoming), so either leaf forwards for it when the other fails."
    )
    Input = EthernetSegmentsInput
    tags = ("zones", "esi")
    needs = ("cli",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        """A zoned VTEP's Ethernet segments shared with another VTEP, and whose loopbacks share them."""
        zoned = _zoned(scope)
        sharing: dict[str, list[tuple[str, IPv4Address]]] = {}
        for name, facts in zoned.items():
            loopback = facts.loopback
            if loopback is None:  # a layer-2 switch: no VTEP, no bonds
                continue
            for bond in facts.bonds:
                sharing.setdefault(bond.esi, []).append((name, loopback))
        for name, facts in zoned.items():
            segments = [
                EthernetSegment(
                    bond=scope.platform(name).bond_name(b.es_id),
                    esi=b.esi,
                    peers=[loopback for other, loopback in sharing[b.esi] if other != name],
                )
                for b in facts.bonds
                if len(sharing[b.esi]) > 1
            ]
            if segments:
                yield cls(EthernetSegmentsInput(device=name, segments=segments))

    @property
    def title(self) -> str:
        return f"Ethernet segments of {self.inputs.device}"

    def requests(self) -> list[Request]:
        return [Cli(self.inputs.device, EVPN_ES_COMMAND)]

    def evaluate(self, seen: Observations) -> Verdict:
        device = self.inputs.device
        text = seen.parse(Cli(device, EVPN_ES_COMMAND), TEXT)
        try:
            found = {str(es.get("esi", "")).lower(): es for es in json.loads(text or "[]")}
        except (ValueError, AttributeError):
            return failed(f"{device}: `{EVPN_ES_COMMAND}` did not answer in JSON: {text[:200]!r}")
        problems = []
        for wanted in self.inputs.segments:
            es = found.get(wanted.esi.lower())
            if es is None:
                problems.append(f"{device}: no Ethernet segment {wanted.esi} ({wanted.bond})")
                continue
            flags = {str(flag).lower() for flag in es.get("flags", [])}
            vteps = {str(v.get("vtep", "")) for v in es.get("vteps", [])}
            if es.get("accessPort") != wanted.bond or "local" not in flags:
                problems.append(f"{device}: ES {wanted.esi} is not local on {wanted.bond} ({sorted(flags)})")
            elif "operup" not in flags and "up" not in flags:
                problems.append(f"{device}: ES {wanted.esi} on {wanted.bond} is down ({sorted(flags)})")
            missing = [str(peer) for peer in wanted.peers if str(peer) not in vteps]
            if missing:
                problems.append(f"{device}: ES {wanted.esi} is not shared with {', '.join(missing)}")
        if problems:
            return failed("; ".join(problems))
        shared = len(self.inputs.segments)
        return passed(f"{device}: {shared} Ethernet segments up and shared with their pair")


def _zoned(scope: Scope) -> dict[str, DeviceFacts]:
    """The lab's devices with zones live, and their facts (production has no zone checks)."""
    if scope.target is not Target.LAB:
        return {}
    return {d.name: scope.facts(d.name) for d in scope.design.devices if scope.live(d.name, Feature.ZONES)}


def _routed_hosts(scope: Scope) -> list[Endpoint]:
    """The lab's test hosts in routed zones, live on their switches (production has none)."""
    if scope.target is not Target.LAB:
        return []
    return [e for e in scope.design.endpoints if routed(scope.design, e) and live_on(e, scope)]


def _service_expectation(
    design: Design, source: Endpoint, target: Endpoint, service: Service
) -> ServiceInput:
    src, dst = host(design, source), target_host(design, target)
    if src.segment == dst.segment:
        expect, reason = "open", f"same segment {src.segment}"
    elif src.zone == dst.zone:
        expect, reason = "open", f"same zone {src.zone}: routed in its VRF, no policy point in between"
    else:
        rule = next(
            (r for r in design.security.allowed if (r.source, r.destination) == (src.zone, dst.zone)), None
        )
        if rule is not None and service.name in rule.services:
            expect, reason = "open", f"security.allowed: {src.zone} -> {dst.zone} {', '.join(rule.services)}"
        elif rule is not None:
            expect = "blocked"
            reason = f"{src.zone} -> {dst.zone} allows only {', '.join(rule.services)}, not {service.name}"
        else:
            expect, reason = "blocked", f"no rule lets {src.zone} open connections to {dst.zone}"
    return ServiceInput(
        source=src,
        target=dst,
        service=ServicePort(name=service.name, protocol=service.protocol, port=service.port),
        expect=expect,
        reason=reason,
    )
