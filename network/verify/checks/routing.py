"""The underlay: every designed BGP session up with the right ASNs on both ends, loopbacks reachable."""

from collections.abc import Iterator
from ipaddress import IPv4Address
from typing import Self

from pydantic import Field

from inventory.model.migration import Feature
from inventory.types import Asn, Model, Name
from network.verify.check import Check, DeviceCheck, DeviceInput, Scope, Verdict, failed, passed, warned
from network.verify.checks.cabling import port
from network.verify.observe import BGP, PING, BgpPeer, Getter, Observations, Ping, Request
from network.verify.reachability import STRATEGY, loopback_plans


def underlay(scope: Scope) -> set[str]:
    """The routing devices running the underlay (layer-2 switches have none)."""
    routing = scope.design.routing
    return {
        device.name
        for device in scope.design.devices
        if routing.routes(device.role) and scope.live(device.name, Feature.UNDERLAY)
    }


class BgpEnd(Model):
    device: Name
    asn: Asn
    peer: str = Field(
        description="how this end names the session: its own interface (unnumbered) or the far end's address"
    )


class Bounds(Model):
    min: int = Field(default=0, ge=0)
    max: int | None = Field(default=None, ge=0)

    def __str__(self) -> str:
        return f"{self.min}..{self.max}" if self.max is not None else f">= {self.min}"

    def __contains__(self, count: int) -> bool:
        return count >= self.min and (self.max is None or count <= self.max)


class BgpInput(Model):
    a: BgpEnd
    b: BgpEnd
    prefixes: dict[str, Bounds] = Field(
        default={}, description="address family (ipv4, evpn) -> prefixes each end receives from the other"
    )
    vrf: str = "global"


def family(name: str) -> str:
    """Platforms name address families differently (`ipv4`, `ipv4 unicast`, `l2vpn evpn`, `l2vpnEvpn`)."""
    lowered = name.lower()
    if "evpn" in lowered or lowered == "l2vpn":
        return "evpn"
    return lowered.split()[0]


class BgpSession(Check[BgpInput]):
    name = "bgp-session"
    description = (
        "A designed eBGP session is established on both ends, with the designed ASNs and prefix counts."
    )
    Input = BgpInput
    tags = ("routing", "bgp")
    needs = ("get_bgp_neighbors",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        design = scope.design
        routing, devices = design.routing, design.device_by_name
        running = underlay(scope)
        # Without the overlay the devices routing segments announce their gateways' subnets too.
        gateways = 0 if routing.overlay else len(design.segments)
        for link in design.links:
            a_as, b_as = (routing.asn_of(devices[end.device]) for end in link.ends)
            # Only a BGP underlay's routing devices have an AS: no session on OSPF links or trunks.
            if a_as is None or b_as is None or not {link.a.device, link.b.device} <= running:
                continue
            ends = []
            for local, remote, asn in ((link.a, link.b, a_as), (link.b, link.a, b_as)):
                if link.numbered and remote.ipv4 is not None:
                    peer = str(remote.ipv4.ip)
                else:
                    peer = port(scope, local.device, local.interface).interface
                ends.append(BgpEnd(device=local.device, asn=asn, peer=peer))
            # Each device announces its loopback only; its own never comes back (AS path): at most all others.
            prefixes = {"ipv4": Bounds(min=1, max=len(running) - 1 + gateways)}
            # Every session carries EVPN and passes it on, so each side learns the other VTEPs' routes.
            overlay = all(scope.live(device, Feature.OVERLAY) for device in (link.a.device, link.b.device))
            if design.segments and overlay:
                prefixes["evpn"] = Bounds(min=1)
            yield cls(BgpInput(a=ends[0], b=ends[1], prefixes=prefixes), [link.kind.value])

    @property
    def title(self) -> str:
        a, b = self.inputs.a, self.inputs.b
        return f"BGP {a.device} (AS {a.asn}) <-> {b.device} (AS {b.asn})"

    @property
    def devices(self) -> tuple[str, ...]:
        return (self.inputs.a.device, self.inputs.b.device)

    def requests(self) -> list[Request]:
        return [
            Getter(self.inputs.a.device, "get_bgp_neighbors"),
            Getter(self.inputs.b.device, "get_bgp_neighbors"),
        ]

    def evaluate(self, seen: Observations) -> Verdict:
        problems: list[str] = []
        for local, remote in ((self.inputs.a, self.inputs.b), (self.inputs.b, self.inputs.a)):
            vrfs = seen.parse(Getter(local.device, "get_bgp_neighbors"), BGP)
            peer = vrfs[self.inputs.vrf].peers.get(local.peer) if self.inputs.vrf in vrfs else None
            if peer is None:
                problems.append(f"{local.device} has no BGP session {local.peer} to {remote.device}")
            else:
                problems += self._end_problems(local, remote, peer)
        if problems:
            return failed("; ".join(problems))
        counts = ", ".join(f"{af} {bounds}" for af, bounds in self.inputs.prefixes.items())
        return passed(
            f"{self.inputs.a.device} and {self.inputs.b.device} established, ASNs as designed"
            + (f", prefixes received within bounds ({counts})" if counts else "")
        )

    def _end_problems(self, local: BgpEnd, remote: BgpEnd, peer: BgpPeer) -> list[str]:
        session = f"{local.device} {local.peer} -> {remote.device}"
        if not peer.is_enabled:
            return [f"{session} is shut down"]
        problems = []
        if not peer.is_up:
            problems.append(f"{session} is not established")
        if peer.remote_as != remote.asn:
            problems.append(f"{session}: peer AS is {peer.remote_as}, the design says {remote.asn}")
        if peer.local_as != local.asn:
            problems.append(f"{session}: local AS is {peer.local_as}, the design says {local.asn}")
        if peer.is_up:
            received = {
                family(name): counts.received_prefixes for name, counts in peer.address_family.items()
            }
            for af, bounds in self.inputs.prefixes.items():
                if af not in received:
                    problems.append(f"{session}: address family {af} is not active")
                elif received[af] not in bounds:
                    problems.append(f"{session}: {received[af]} {af} prefixes received, expected {bounds}")
        return problems


class LoopbacksInput(DeviceInput):
    source: IPv4Address = Field(description="the device's own loopback: pings leave from it")
    targets: dict[Name, IPv4Address] = Field(description="device -> loopback to reach")
    max_lost: int = Field(
        default=0, ge=0, description="lost probes that still pass; more (but not all) is a warning"
    )
    not_expected: dict[Name, str] = Field(
        default={}, description="devices whose loopback the design does not make reachable from here, and why"
    )


class LoopbackReachability(DeviceCheck[LoopbacksInput]):
    name = "loopback-reachability"
    description = (
        "A switch reaches the loopbacks the design makes reachable, pinging from its own (driver ping)."
    )
    Input = LoopbacksInput
    tags = ("routing", "reachability")
    needs = ("ping",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        for plan in loopback_plans(scope.design, underlay(scope)):
            yield cls(
                LoopbacksInput(
                    device=plan.device.name,
                    source=plan.device.loopback,
                    targets=plan.targets,
                    not_expected=plan.not_expected,
                )
            )

    @classmethod
    def notes(cls, scope: Scope) -> list[str]:
        asns = [device.asn for device in scope.design.devices if device.asn is not None]
        if len(set(asns)) == len(asns):
            return [STRATEGY]
        return [
            STRATEGY,
            "Devices sharing an ASN do not expect each other's loopback: eBGP drops a route whose AS path "
            "holds the receiver's own ASN (allowas-in would change that).",
        ]

    @property
    def title(self) -> str:
        return f"loopbacks from {self.inputs.device} ({self.inputs.source})"

    def _ping(self, target: IPv4Address) -> Ping:
        return Ping(self.inputs.device, str(target), str(self.inputs.source))

    def requests(self) -> list[Request]:
        return [self._ping(target) for target in self.inputs.targets.values()]

    def evaluate(self, seen: Observations) -> Verdict:
        unreachable, lossy = [], []
        for name, target in self.inputs.targets.items():
            result = seen.parse(self._ping(target), PING)
            if result.success is None:
                unreachable.append(f"{name} {target} ({result.error or 'ping failed'})")
            elif result.success.packet_loss >= result.success.probes_sent:
                unreachable.append(f"{name} {target} (all {result.success.probes_sent} probes lost)")
            elif result.success.packet_loss > self.inputs.max_lost:
                lost = f"{result.success.packet_loss} of {result.success.probes_sent} probes lost"
                lossy.append(f"{name} {target} ({lost})")
        source = f"{self.inputs.device} ({self.inputs.source})"
        if unreachable:
            return failed(f"{source} cannot reach " + ", ".join([*unreachable, *lossy]))
        if lossy:
            return warned(f"{source} reaches every loopback, but with loss: " + ", ".join(lossy))
        reached = f"{self.inputs.device} reaches all {len(self.inputs.targets)} loopbacks"
        if self.inputs.not_expected:
            reasons = "; ".join(f"{name}: {why}" for name, why in self.inputs.not_expected.items())
            reached += f" (not expected: {reasons})"
        return passed(reached)
