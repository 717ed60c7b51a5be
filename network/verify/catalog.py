"""The check catalog: generated from the design, written as YAML people edit and extend, read back typed.

A catalog is self-contained: every entry carries the design facts it checks (ends, ASNs, addresses), so a
hand-written entry needs no design support and a generated catalog documents what "matches the design" means.
"""

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import permutations
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from fundament.errors import FundamentError
from inventory.model import Design, Endpoint, Platform
from inventory.model.migration import Feature
from inventory.types import Model
from network.platforms import PLATFORMS
from network.targets import Target, platform_for
from network.verify.check import Check
from network.verify.checks import (
    REGISTRY,
    BgpSession,
    EndpointReachability,
    EvpnVnis,
    InterfacesUp,
    LldpNeighbors,
    LoopbackReachability,
    NoDefaultCredentials,
    ServiceConfigured,
    SshOnly,
)
from network.verify.checks.baseline import Service
from network.verify.checks.cabling import Port
from network.verify.checks.overlay import Host, SegmentVni, TargetHost
from network.verify.checks.routing import BgpEnd, Bounds
from network.verify.reachability import STRATEGY, loopback_plans

# The interface carrying a VNI, per platform where each VNI has its own (EOS puts all VNIs on Vxlan1).
VXLAN_INTERFACES: dict[Platform, str] = {Platform.FRR: "vxlan{vni}"}

# Running-config lines that name a baseline server, per platform that configures it ({address} is filled in).
SERVICE_LINES: dict[Platform, dict[Service, str]] = {
    Platform.EOS: {
        "ntp": r"^ntp server\b.*\b{address}\b",
        "dns": r"^ip name-server\b.*\b{address}\b",
        "syslog": r"^logging\b.*\bhost {address}\b",
    },
}


class CatalogError(FundamentError, ValueError):
    """A catalog file that cannot be used; the message names the entry and the field."""


class Entry(Model):
    check: str
    tags: list[str] = []
    inputs: dict[str, Any]


class CatalogFile(Model):
    checks: list[Entry]


def load(path: Path) -> list[Check[Any]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogError(f"{path}: {error}") from None
    return parse(raw, str(path))


def parse(raw: Any, origin: str = "catalog") -> list[Check[Any]]:
    try:
        catalog = CatalogFile.model_validate(raw)
    except ValidationError as error:
        raise CatalogError(f"{origin}: {_first_error(error)}") from None
    checks: list[Check[Any]] = []
    problems = []
    for index, entry in enumerate(catalog.checks):
        check_class = REGISTRY.get(entry.check)
        if check_class is None:
            problems.append(f"checks[{index}]: unknown check {entry.check!r} (known: {', '.join(REGISTRY)})")
            continue
        try:
            checks.append(check_class(check_class.Input.model_validate(entry.inputs), entry.tags))
        except ValidationError as error:
            problems.append(f"checks[{index}] ({entry.check}): {_first_error(error)}")
    if problems:
        raise CatalogError(f"{origin}:\n  " + "\n  ".join(problems))
    return checks


def _first_error(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'top level'}: {problem['msg']}"
        for problem in error.errors()
    )


# libyaml's emitter when PyYAML has it: the pure-Python one spent 90% of a 1,000-device catalog's time
class _CompactDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style for the structure, flow style for leaves (a port, a list of addresses): one entry reads
    as a few lines instead of a screenful."""


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = bool(data) and all(_is_leaf(value) for value in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(_is_leaf(value) for value in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_CompactDumper.add_representer(dict, _represent_dict)
_CompactDumper.add_representer(list, _represent_list)


def dump(checks: Sequence[Check[Any]], header: str = "") -> str:
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    body = yaml.dump(
        {"checks": [check.entry() for check in checks]},
        Dumper=_CompactDumper,
        sort_keys=False,
        width=110,
        allow_unicode=True,
    )
    return comment + body


def header(design: Design, target: Target) -> str:
    platforms = sorted({platform_for(design, target, device.name) for device in design.devices})
    lines = [
        f"Verification catalog for {design.design.name} {design.design.version}, target {target.value}.",
        "Generated by `fundament net verify catalog`; edit or extend by hand, run with `--catalog FILE`.",
        "Checks:",
        *(f"  {name}: {check.description}" for name, check in REGISTRY.items()),
        STRATEGY,
    ]
    for platform in platforms:
        if platform not in VXLAN_INTERFACES:
            lines.append(f"{platform}: no evpn-vni checks (its VNIs share one VXLAN interface)")
        if platform not in SERVICE_LINES:
            lines.append(f"{platform}: no NTP/DNS/syslog checks, its configuration does not carry them:")
            lines += [f"  - {reason}" for reason in PLATFORMS[platform].not_rendered]
    asns = [device.asn for device in design.devices]
    if len(set(asns)) < len(asns):
        lines.append(
            "Devices sharing an ASN do not expect each other's loopback: eBGP drops a route whose AS path "
            "holds the receiver's own ASN (allowas-in would change that)."
        )
    if target is Target.LAB:
        lines.append(
            "Lab: segments are layer 2 only (no routing between segments), so endpoints in different "
            "segments never reach each other, even where security.allowed permits it."
        )
    return "\n".join(lines)


Live = Callable[[str, Feature], bool]
"""Whether a feature of the design runs on a device (during a migration, not everything does yet)."""


def generate(
    design: Design, target: Target = Target.LAB, features: Mapping[str, frozenset[Feature]] | None = None
) -> list[Check[Any]]:
    """Every check the design implies, in a stable order (cabling, routing, overlay, baseline).

    `features` (per device, what runs there; default everything) limits the checks to what that state
    promises: a session only between two devices running the underlay, EVPN routes only between two
    running the overlay, loopbacks only of devices that announce theirs.
    """

    def live(device: str, feature: Feature) -> bool:
        return features is None or feature in features.get(device, frozenset())

    return [
        *_cabling(design, target),
        *_routing(design, target, live),
        *_overlay(design, target, live),
        *_baseline(design, target, live),
    ]


def _port(design: Design, device: str, interface: str, target: Target) -> Port:
    platform = platform_for(design, target, device)
    return Port(device=device, interface=PLATFORMS[platform].interface_name(interface))


def _cabling(design: Design, target: Target) -> Iterator[Check[Any]]:
    for link in design.links:
        a = _port(design, link.a.device, link.a.interface, target)
        b = _port(design, link.b.device, link.b.interface, target)
        yield LldpNeighbors(LldpNeighbors.Input(a=a, b=b), [link.kind.value])
    for device in design.devices:
        up: dict[str, str] = {}
        for local, remote, _ in design.links_of(device.name):
            port = _port(design, device.name, local.interface, target)
            up[port.interface] = str(_port(design, remote.device, remote.interface, target))
        for access in device.access_ports:
            port = _port(design, device.name, access.interface, target)
            up[port.interface] = f"segment {access.segment}" + (
                f" ({access.description})" if access.description else ""
            )
        spec = PLATFORMS[platform_for(design, target, device.name)]
        prefix, _, suffix = spec.interface.partition("{number}")
        front_ports = f"^{re.escape(prefix)}[1-9][0-9]*{re.escape(suffix)}$"
        yield InterfacesUp(InterfacesUp.Input(device=device.name, up=up, port_pattern=front_ports))


def _routing(design: Design, target: Target, live: Live) -> Iterator[Check[Any]]:
    devices = design.device_by_name
    underlay = {device.name for device in design.devices if live(device.name, Feature.UNDERLAY)}
    for link in design.links:
        if not {link.a.device, link.b.device} <= underlay:
            continue
        ends = []
        for local, remote in ((link.a, link.b), (link.b, link.a)):
            if link.numbered and remote.ipv4 is not None:
                peer = str(remote.ipv4.ip)
            else:
                peer = _port(design, local.device, local.interface, target).interface
            ends.append(BgpEnd(device=local.device, asn=devices[local.device].asn, peer=peer))
        # Each device announces its loopback only; its own comes back never (AS path), so at most all others.
        prefixes = {"ipv4": Bounds(min=1, max=len(underlay) - 1)}
        # Every session carries EVPN and passes it on, so each side learns the other VTEPs' routes.
        if design.segments and live(link.a.device, Feature.OVERLAY) and live(link.b.device, Feature.OVERLAY):
            prefixes["evpn"] = Bounds(min=1)
        yield BgpSession(BgpSession.Input(a=ends[0], b=ends[1], prefixes=prefixes), [link.kind.value])
    for plan in loopback_plans(design, underlay):
        yield LoopbackReachability(
            LoopbackReachability.Input(
                device=plan.device.name,
                source=plan.device.loopback,
                targets=plan.targets,
                not_expected=plan.not_expected,
            )
        )


def _overlay(design: Design, target: Target, live: Live) -> Iterator[Check[Any]]:
    for device in design.devices:
        vxlan = VXLAN_INTERFACES.get(platform_for(design, target, device.name))
        segments = design.segments_on(device.name)
        if vxlan is None or not segments or device.role not in design.routing.overlay.vtep_roles:
            continue
        if not live(device.name, Feature.OVERLAY):
            continue
        carried = [
            SegmentVni(segment=segment.name, vni=segment.vni, interface=vxlan.format(vni=segment.vni))
            for segment in segments
        ]
        yield EvpnVnis(EvpnVnis.Input(device=device.name, segments=carried))
    if target is Target.LAB:
        for source, destination in permutations(design.endpoints, 2):
            if live(source.attach.device, Feature.OVERLAY) and live(
                destination.attach.device, Feature.OVERLAY
            ):
                yield _endpoint_check(design, source, destination)


def _host(design: Design, endpoint: Endpoint) -> dict[str, str]:
    device = design.device_by_name[endpoint.attach.device]
    segment = next(
        port.segment for port in device.access_ports if port.interface == endpoint.attach.interface
    )
    return {
        "name": endpoint.name,
        "attach": f"{endpoint.attach.device}:{endpoint.attach.interface}",
        "segment": segment,
        "zone": design.segment_by_name[segment].zone,
    }


def _endpoint_check(design: Design, source: Endpoint, destination: Endpoint) -> EndpointReachability:
    src = Host(**_host(design, source))
    dst = TargetHost(**_host(design, destination), ipv4=destination.ipv4.ip)
    if src.segment == dst.segment:
        if source.attach.device == destination.attach.device:
            reason = f"same segment {src.segment} on one switch"
        else:
            reason = (
                f"same segment {src.segment}, stretched over EVPN-VXLAN between "
                f"{source.attach.device} and {destination.attach.device}"
            )
        return EndpointReachability(
            EndpointReachability.Input(source=src, target=dst, expect="reachable", reason=reason)
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
    return EndpointReachability(
        EndpointReachability.Input(source=src, target=dst, expect="unreachable", reason=reason)
    )


def _baseline(design: Design, target: Target, live: Live) -> Iterator[Check[Any]]:
    management = design.management
    servers: dict[Service, list[str]] = {
        "ntp": [str(address) for address in management.ntp],
        "dns": [str(address) for address in management.dns],
        "syslog": [str(server.host) for server in management.syslog],
    }
    for device in design.devices:
        yield NoDefaultCredentials(NoDefaultCredentials.Input(device=device.name))
        if not live(device.name, Feature.BASELINE):
            continue
        yield SshOnly(SshOnly.Input(device=device.name))
        lines = SERVICE_LINES.get(platform_for(design, target, device.name), {})
        for service, pattern in lines.items():
            expected = [pattern.format(address=re.escape(address)) for address in servers[service]]
            yield ServiceConfigured(
                ServiceConfigured.Input(device=device.name, service=service, lines=expected)
            )
