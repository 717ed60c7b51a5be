"""The overlay: each segment's VNI on its VTEPs, endpoints reaching each other across leaves, and zones
kept apart where the design does not allow traffic between them."""

from collections.abc import Iterator
from ipaddress import IPv4Address
from itertools import permutations
from typing import Literal, Self

from pydantic import Field

from inventory.model import Design, Endpoint
from inventory.model.migration import Feature
from inventory.types import Model, Name, Vni
from network.targets import Target
from network.verify.check import Check, DeviceCheck, DeviceInput, Scope, Verdict, failed, passed
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
    needs = ("get_interfaces",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        design = scope.design
        for device in design.devices:
            vxlan = scope.platform(device.name).vxlan_interface
            segments = design.segments_on(device.name)
            if vxlan is None or not segments or not design.routing.is_vtep(device.role):
                continue
            if not scope.live(device.name, Feature.OVERLAY):
                continue
            carried = [
                SegmentVni(segment=segment.name, vni=segment.vni, interface=vxlan.format(vni=segment.vni))
                for segment in segments
            ]
            yield cls(VniInput(device=device.name, segments=carried))

    @classmethod
    def notes(cls, scope: Scope) -> list[str]:
        return [
            f"{spec.name}: no evpn-vni checks (its VNIs share one VXLAN interface)"
            for spec in scope.platforms
            if spec.vxlan_interface is None
        ]

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


def host(design: Design, endpoint: Endpoint) -> Host:
    """A test host as checks name it: where it is cabled, its segment and zone."""
    device = design.device_by_name[endpoint.attach.device]
    segment = next(
        port.segment for port in device.access_ports if port.interface == endpoint.attach.interface
    )
    return Host(
        name=endpoint.name,
        attach=f"{endpoint.attach.device}:{endpoint.attach.interface}",
        segment=segment,
        zone=design.segment_by_name[segment].zone,
    )


def target_host(design: Design, endpoint: Endpoint) -> TargetHost:
    return TargetHost(**dict(host(design, endpoint)), ipv4=endpoint.ipv4.ip)


def routed(design: Design, endpoint: Endpoint) -> bool:
    """The host's segment belongs to a zone with a VRF: routed once zones are live."""
    segment = design.segment_of(endpoint)
    return segment is not None and design.zone_by_name[segment.zone].vrf is not None


def live_on(endpoint: Endpoint, scope: Scope) -> bool:
    """Zones are live on every switch the host is cabled to."""
    return all(scope.live(port.device, Feature.ZONES) for port in endpoint.ports)


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
    needs = ("endpoint-ping",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        """Endpoints are the lab's test hosts: production has none."""
        if scope.target is not Target.LAB:
            return
        for source, destination in permutations(scope.design.endpoints, 2):
            if all(scope.live(e.attach.device, Feature.OVERLAY) for e in (source, destination)):
                both_routed = all(
                    routed(scope.design, e) and live_on(e, scope) for e in (source, destination)
                )
                yield cls(_expectation(scope.design, source, destination, both_routed))

    @classmethod
    def notes(cls, scope: Scope) -> list[str]:
        if scope.target is not Target.LAB:
            return []
        return [
            "Lab: until zones are live on a switch its segments are layer 2 only (no routing between "
            "segments). Once they are, a zone with a vrf routes between its own segments and reaches other "
            "zones only for the services security.allowed names, through the firewall: zone-service checks "
            "probe every service of every test host from every other one, both ways (ping between zones "
            "must fail, ICMP is no service)."
        ]

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


def _expectation(design: Design, source: Endpoint, destination: Endpoint, routed: bool) -> EndpointInput:
    """`routed`: both hosts sit in zones with a vrf, live on their switches."""
    src, dst = host(design, source), target_host(design, destination)
    if src.segment == dst.segment:
        if source.attach.device == destination.attach.device:
            reason = f"same segment {src.segment} on one switch"
        else:
            reason = (
                f"same segment {src.segment}, stretched over EVPN-VXLAN between "
                f"{source.attach.device} and {destination.attach.device}"
            )
        return EndpointInput(source=src, target=dst, expect="reachable", reason=reason)
    if routed:
        same = src.zone == dst.zone
        reason = (
            f"same zone {src.zone}: routed between its segments in its VRF"
            if same
            else f"zones {src.zone} and {dst.zone}: the firewall passes only named services, never ICMP"
        )
        return EndpointInput(
            source=src, target=dst, expect="reachable" if same else "unreachable", reason=reason
        )
    no_routing = "and the lab routes nothing between segments (layer 2 only)"
    rule = next(
        (r for r in design.security.allowed if r.source == src.zone and r.destination == dst.zone), None
    )
    if src.zone == dst.zone:
        reason = f"same zone {src.zone} but another segment, {no_routing}"
    elif rule is None:
        reason = f"zone {src.zone} may not reach zone {dst.zone} (no rule in security.allowed), {no_routing}"
    else:
        reason = (
            f"zone {src.zone} may reach zone {dst.zone} ({', '.join(rule.services)}) by design, but the lab "
            "routes nothing between segments (layer 2 only): checked that it stays isolated"
        )
    return EndpointInput(source=src, target=dst, expect="unreachable", reason=reason)
