"""The cabling plan: LLDP neighbors on both ends of every link, and the designed ports up."""

import re
from collections.abc import Iterator, Mapping
from typing import Self

from pydantic import Field

from inventory.model import Design
from inventory.types import Model, Name
from network.verify.check import Check, DeviceCheck, DeviceInput, Scope, Verdict, failed, passed, warned
from network.verify.observe import INTERFACES, LLDP, Getter, Interface, Observations, Request


class Port(Model):
    device: Name
    interface: str = Field(description="the platform's name of the port")

    def __str__(self) -> str:
        return f"{self.device}:{self.interface}"


def port(scope: Scope, device: str, interface: str) -> Port:
    """A design interface (`ethN`) of a device, by the name its platform on the scope's target gives it."""
    return Port(device=device, interface=scope.platform(device).interface_name(interface))


def _firewall_ports(design: Design, device: str) -> Iterator[tuple[str, str]]:
    """(interface, purpose) of the device's ports cabled to the design's firewall."""
    firewall = design.security.firewall
    if firewall is None:
        return
    for uplink in firewall.uplinks:
        if uplink.attach.device == device:
            yield uplink.attach.interface, f"{firewall.name}:{uplink.interface} (firewall uplink)"


def short_name(hostname: str) -> str:
    """LLDP system names may carry the domain; the design names the host only."""
    return hostname.split(".", 1)[0]


class LinkInput(Model):
    a: Port
    b: Port


class LldpNeighbors(Check[LinkInput]):
    name = "lldp-neighbors"
    description = "Each end of a link sees the other end as LLDP neighbor (anyone else there: a warning)."
    Input = LinkInput
    tags = ("cabling",)
    needs = ("get_lldp_neighbors",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        for link in scope.design.links:
            a = port(scope, link.a.device, link.a.interface)
            b = port(scope, link.b.device, link.b.interface)
            yield cls(LinkInput(a=a, b=b), [link.kind.value])

    @property
    def title(self) -> str:
        return f"LLDP {self.inputs.a} <-> {self.inputs.b}"

    @property
    def devices(self) -> tuple[str, ...]:
        return (self.inputs.a.device, self.inputs.b.device)

    def requests(self) -> list[Request]:
        return [
            Getter(self.inputs.a.device, "get_lldp_neighbors"),
            Getter(self.inputs.b.device, "get_lldp_neighbors"),
        ]

    def evaluate(self, seen: Observations) -> Verdict:
        problems, extras = [], []
        for local, remote in ((self.inputs.a, self.inputs.b), (self.inputs.b, self.inputs.a)):
            neighbors = seen.parse(Getter(local.device, "get_lldp_neighbors"), LLDP).get(local.interface, [])
            found = [f"{short_name(n.hostname)}:{n.port}" for n in neighbors]
            others = [name for name in found if name != str(remote)]
            if str(remote) not in found:
                seen_text = ", ".join(found) if found else "no LLDP neighbor"
                problems.append(f"{local} should see {remote}, sees {seen_text}")
            elif others:
                # The cable is right, but something shares the segment (a hub, a bridge, a tap).
                extras.append(f"{local} also sees {', '.join(others)}")
        if problems:
            return failed("; ".join(problems + extras))
        if extras:
            return warned(f"{self.inputs.a} and {self.inputs.b} see each other; " + "; ".join(extras))
        return passed(f"{self.inputs.a} and {self.inputs.b} see each other")


def not_up(interfaces: Mapping[str, Interface], device: str, name: str, purpose: str) -> str | None:
    """Why the interface is not up (None when it is); `purpose` says what it is for, in the message."""
    state = interfaces.get(name)
    if state is None:
        return f"{device}:{name} ({purpose}) does not exist"
    if not state.is_enabled:
        return f"{device}:{name} ({purpose}) is administratively down"
    if not state.is_up:
        return f"{device}:{name} ({purpose}) is down"
    return None


class InterfacesInput(DeviceInput):
    up: dict[str, str] = Field(description="designed ports -> what they connect to")
    port_pattern: str = Field(
        default=r"^eth[1-9][0-9]*$",
        description="front ports, which must be down unless designed (the management port is not one)",
    )


class InterfacesUp(DeviceCheck[InterfacesInput]):
    name = "interfaces"
    description = "Every designed port is enabled and up; no other front port is up."
    Input = InterfacesInput
    tags = ("cabling",)
    needs = ("get_interfaces",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        design = scope.design
        for device in design.devices:
            up: dict[str, str] = {}
            for local, remote, _ in design.links_of(device.name):
                own = port(scope, device.name, local.interface)
                up[own.interface] = str(port(scope, remote.device, remote.interface))
            for access in device.access_ports:
                own = port(scope, device.name, access.interface)
                up[own.interface] = f"segment {access.segment}" + (
                    f" ({access.description})" if access.description else ""
                )
            for interface, purpose in _firewall_ports(design, device.name):
                up[port(scope, device.name, interface).interface] = purpose
            prefix, _, suffix = scope.platform(device.name).interface.partition("{number}")
            front_ports = f"^{re.escape(prefix)}[1-9][0-9]*{re.escape(suffix)}$"
            yield cls(InterfacesInput(device=device.name, up=up, port_pattern=front_ports))

    @property
    def title(self) -> str:
        return f"interfaces of {self.inputs.device}"

    def requests(self) -> list[Request]:
        return [Getter(self.inputs.device, "get_interfaces")]

    def evaluate(self, seen: Observations) -> Verdict:
        device = self.inputs.device
        interfaces = seen.parse(Getter(device, "get_interfaces"), INTERFACES)
        problems = [
            problem
            for name, peer in self.inputs.up.items()
            if (problem := not_up(interfaces, device, name, f"to {peer}")) is not None
        ]
        front_port = re.compile(self.inputs.port_pattern)
        unexpected = sorted(
            name
            for name, state in interfaces.items()
            if state.is_up and front_port.match(name) and name not in self.inputs.up
        )
        if unexpected:
            problems.append(f"{device}: {', '.join(unexpected)} up but not in the design")
        if problems:
            return failed("; ".join(problems))
        return passed(f"{len(self.inputs.up)} designed ports up on {device}, no others")
