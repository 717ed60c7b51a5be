"""Zones: the service-level zone matrix between test hosts, the anycast gateway each host sees, and the
interfaces that carry zones on each VTEP (anycast gateways with one MAC, L3VNI interfaces, bonds, legs)."""

from ipaddress import IPv4Address
from typing import Literal

from pydantic import Field

from inventory.types import MacAddress, Model, Name
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
