"""The overlay: each segment's VNI on its VTEPs, endpoints reaching each other across leaves, and zones
kept apart where the design does not allow traffic between them."""

from ipaddress import IPv4Address
from typing import Literal

from pydantic import Field

from inventory.types import Model, Name, Vni
from network.verify.check import Check, DeviceCheck, DeviceInput, Verdict, failed, passed
from network.verify.checks.cabling import not_up
from network.verify.observe import INTERFACES, LOSS, EndpointPing, Getter, Observations, Request


class SegmentVni(Model):
    segment: Name
    vni: Vni
    interface: str = Field(description="the VXLAN interface that carries the VNI on this platform")


class VniInput(DeviceInput):
    segments: list[SegmentVni] = Field(min_length=1)


class EvpnVnis(DeviceCheck[VniInput]):
    """The VNI's VXLAN interface exists and is up. That the overlay learned the other VTEPs shows in the
    EVPN prefixes of the BGP sessions and in endpoints reaching each other across leaves."""

    name = "evpn-vni"
    description = "Every segment's VNI is present and up on the VTEPs that carry it."
    Input = VniInput
    tags = ("evpn",)

    @property
    def title(self) -> str:
        return f"VNIs on {self.inputs.device}"

    def requests(self) -> list[Request]:
        return [Getter(self.inputs.device, "get_interfaces")]

    def evaluate(self, seen: Observations) -> Verdict:
        device = self.inputs.device
        interfaces = seen.parse(Getter(device, "get_interfaces"), INTERFACES)
        purposes = {s.interface: f"VNI {s.vni}, segment {s.segment}" for s in self.inputs.segments}
        problems = [
            problem
            for name, purpose in purposes.items()
            if (problem := not_up(interfaces, device, name, purpose)) is not None
        ]
        if problems:
            return failed("; ".join(problems))
        names = ", ".join(f"{s.segment} {s.vni}" for s in self.inputs.segments)
        return passed(f"{device} carries {names}, VXLAN interfaces up")


class Host(Model):
    name: Name
    attach: str = Field(description="device:port the host is cabled to")
    segment: Name
    zone: Name

    def __str__(self) -> str:
        return f"{self.name} ({self.attach}, segment {self.segment})"


class TargetHost(Host):
    ipv4: IPv4Address


class EndpointInput(Model):
    source: Host
    target: TargetHost
    expect: Literal["reachable", "unreachable"]
    reason: str = Field(description="why the design expects this: shown in every result")


class EndpointReachability(Check[EndpointInput]):
    name = "endpoint-reachability"
    description = "An endpoint reaches another one (ping over SSH on the endpoint), or must not reach it."
    Input = EndpointInput
    tags = ("evpn", "reachability", "zones")

    @property
    def title(self) -> str:
        verb = "reaches" if self.inputs.expect == "reachable" else "does not reach"
        return f"{self.inputs.source.name} {verb} {self.inputs.target.name}"

    @property
    def devices(self) -> tuple[str, ...]:
        ends = (self.inputs.source.attach.split(":")[0], self.inputs.target.attach.split(":")[0])
        return tuple(dict.fromkeys(ends))

    def _ping(self) -> EndpointPing:
        return EndpointPing(self.inputs.source.name, str(self.inputs.target.ipv4))

    def requests(self) -> list[Request]:
        return [self._ping()]

    def evaluate(self, seen: Observations) -> Verdict:
        loss = seen.parse(self._ping(), LOSS)
        source, target, reason = self.inputs.source, self.inputs.target, self.inputs.reason
        reached = loss < 100
        if reached and self.inputs.expect == "reachable":
            return passed(f"{source} reaches {target} {target.ipv4}: {reason}")
        if not reached and self.inputs.expect == "unreachable":
            return passed(f"{source} does not reach {target} {target.ipv4}: {reason}")
        if reached:
            return failed(f"{source} reaches {target} {target.ipv4} but should not: {reason}")
        return failed(f"{source} cannot reach {target} {target.ipv4}: {reason}")
