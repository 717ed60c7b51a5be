"""Zones: the service-level zone matrix between test hosts, the anycast gateway each host sees, and the
interfaces that carry zones on each VTEP (anycast gateways with one MAC, L3VNI interfaces, bonds, legs)."""

from collections.abc import Callable, Iterator
from ipaddress import IPv4Address
from itertools import permutations
from typing import Any, Literal

from pydantic import Field

from inventory.model import Design, Endpoint, Service
from inventory.model.migration import Feature
from inventory.types import MacAddress, Model, Name
from network.facts import device_facts
from network.verify.check import Check, DeviceCheck, DeviceInput, Verdict, failed, passed
from network.verify.checks.cabling import not_up
from network.verify.checks.overlay import Host, TargetHost
from network.verify.observe import (
    FLAG,
    INTERFACES,
    MAC,
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


Live = Callable[[str, Feature], bool]


def zone_checks(
    design: Design, host: Callable[[Endpoint], dict[str, str]], live: Live
) -> Iterator[Check[Any]]:
    """The zone checks of the lab: per VTEP its zone interfaces, per host its gateway, and the service
    matrix between every two hosts in routed zones, both directions."""
    for device in design.devices:
        if not live(device.name, Feature.ZONES):
            continue
        facts = device_facts(design, device.name)
        wanted = [
            ZoneInterface(name=s.svi, purpose=f"gateway of {s.name}", mac=facts.gateway_mac)
            for s in facts.segments
            if s.vrf
        ]
        wanted += [ZoneInterface(name=v.svi, purpose=f"L3VNI {v.l3vni} of VRF {v.name}") for v in facts.vrfs]
        wanted += [
            ZoneInterface(name=b.name, purpose=f"bond, ES {b.es_id} ({b.description})") for b in facts.bonds
        ]
        wanted += [
            ZoneInterface(name=leg.interface, purpose=f"leg of VRF {v.name} to {leg.firewall}")
            for v in facts.vrfs
            for leg in v.legs
        ]
        if wanted:
            yield ZoneInterfaces(ZoneInterfaces.Input(device=device.name, interfaces=wanted))
    hosts = [e for e in design.endpoints if routed(design, e) and live_on(e, live)]
    for endpoint in hosts:
        segment = design.segment_of(endpoint)
        assert segment is not None  # a validated design
        yield AnycastGateway(
            AnycastGateway.Input(
                host=Host(**host(endpoint)), gateway=segment.gateway, mac=design.routing.overlay.gateway_mac
            )
        )
    for source, target in permutations(hosts, 2):
        for name in target.services:
            yield _service_check(design, host, source, target, design.service_by_name[name])


def routed(design: Design, endpoint: Endpoint) -> bool:
    segment = design.segment_of(endpoint)
    return segment is not None and design.zone_by_name[segment.zone].vrf is not None


def live_on(endpoint: Endpoint, live: Live) -> bool:
    return all(live(port.device, Feature.ZONES) for port in endpoint.ports)


def _service_check(
    design: Design,
    host: Callable[[Endpoint], dict[str, str]],
    source: Endpoint,
    target: Endpoint,
    service: Service,
) -> ZoneService:
    src, dst = Host(**host(source)), TargetHost(**host(target), ipv4=target.ipv4.ip)
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
    return ZoneService(
        ZoneService.Input(
            source=src,
            target=dst,
            service=ServicePort(name=service.name, protocol=service.protocol, port=service.port),
            expect=expect,
            reason=reason,
        )
    )
