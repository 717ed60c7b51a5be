"""What the lab cannot model of the production design, and what stands in for it.

The lab's nodes run as machines with their own kernel (user-mode Linux: 802.1Q, VLAN-aware bridges, VRFs,
bonds, nftables) where this machine has the package, else as containers on this machine's kernel, which
has none of those. A feature counts as modelled when the nodes can run it and the lab platform's (frr)
configuration of the design actually renders it. Each gap names the parts of the design it touches, so the
report shrinks and grows with the design instead of being a fixed text.
"""

from collections import defaultdict
from dataclasses import dataclass

from inventory.model import Design, LinkKind, Platform
from inventory.types import Model
from network.facts import all_facts
from network.lab.control import RuntimeChoice, runtime_choice
from network.lab.topology import Runtime, mgmt_network
from network.render import render_device


class Gap(Model):
    feature: str
    production: str
    """What the production design specifies."""
    lab: str
    """What stands in for it in the lab (or that nothing does)."""
    affects: list[str]
    """The design's parts concerned (devices, segments, zones, servers)."""


@dataclass(frozen=True)
class LabPlatform:
    """What the lab runs the design on."""

    runtime: RuntimeChoice
    rendered: str
    """The lab platform's (frr) configuration of every device, concatenated."""

    @property
    def machines(self) -> bool:
        return self.runtime.runtime is Runtime.MACHINE

    def models(self, marker: str) -> bool:
        """The nodes' kernels can run a feature and the rendered configuration uses it (`marker`)."""
        return self.machines and marker in self.rendered


def lab_platform(design: Design, runtime: RuntimeChoice | None = None) -> LabPlatform:
    """The lab as this machine would run `design` (or with the given runtime)."""
    rendered = "\n".join(render_device(facts, Platform.FRR) for facts in all_facts(design).values())
    return LabPlatform(runtime or runtime_choice(), rendered)


def _grouped(pairs: list[tuple[str, str]]) -> list[str]:
    """`value: name, name` lines from (value, name) pairs, in first-seen order."""
    groups: dict[str, list[str]] = defaultdict(list)
    for value, name in pairs:
        groups[value].append(name)
    return [f"{value}: {', '.join(names)}" for value, names in groups.items()]


def _kernel_or_templates(lab: LabPlatform, container_text: str) -> str:
    """Why a feature the design has is not modelled: the nodes' kernel, or the lab platform's templates."""
    if lab.machines:
        return (
            "the nodes' own kernels (user-mode Linux) can run it, but the lab platform's (frr) templates "
            f"do not render it yet: {container_text}"
        )
    return container_text


# (feature, production, in a container lab, marker in the rendered frr configuration, affected parts)
def _design_features(design: Design) -> list[tuple[str, str, str, str, list[str]]]:
    segments = design.segments
    features = []
    if segments:
        features += [
            (
                "802.1Q trunks and VLAN tagging",
                "segments are VLANs, carried tagged on trunks and mapped to VNIs on VLAN-aware bridges",
                "one plain Linux bridge per segment with its VXLAN device; access ports untagged, no trunks "
                "(the kernel has no 802.1Q devices and no bridge vlan_filtering); VLAN ids only name things",
                "bridge-vlan-aware yes",
                [f"{s.name} (vlan {s.vlan}, vni {s.vni})" for s in segments],
            ),
            (
                "VRFs, L3VNIs and symmetric IRB",
                "each security zone is a VRF with its own L3VNI; routing between segments is symmetric IRB "
                "inside the zone's VRF",
                "everything in the default VRF (no VRF devices); no L3VNI, so no routing between segments "
                "over the overlay: zone separation is not tested in the lab",
                "vrf-table",
                sorted({s.zone for s in segments}),
            ),
            (
                "Distributed anycast gateways",
                "every VTEP carrying a segment answers on its gateway address (same IP and MAC)",
                "segments are layer 2 only: no gateway address on the bridges; test hosts reach hosts in "
                "their own segment only",
                "hwaddress",
                [f"{s.name} ({s.gateway})" for s in segments],
            ),
        ]
    bonded = [e for e in design.endpoints if e.bond]
    features.append(
        (
            "Bonding, MLAG and EVPN multihoming (ESI)",
            "dual-homed servers, firewalls and leaf pairs with LACP bonds / ESI multihoming",
            "single-homed test hosts on one access port each; no bonds (the kernel has no bonding)",
            "es-id",
            [f"{e.name} ({', '.join(f'{p.device}:{p.interface}' for p in e.ports)})" for e in bonded]
            or [f"{e.name} ({e.attach.device}:{e.attach.interface})" for e in design.endpoints],
        )
    )
    return features


def gaps(design: Design, lab: LabPlatform | None = None) -> list[Gap]:
    """Every production feature of `design` that the lab (as this machine runs it, or `lab`) does not
    model."""
    lab = lab or lab_platform(design)
    found: list[Gap] = []
    if not lab.machines:
        found.append(
            Gap(
                feature="Each node's own kernel",
                production="every switch and server runs its own operating system and kernel",
                lab="this machine runs the lab's nodes as containers on its own kernel "
                f"({lab.runtime.fallback_reason}): no 802.1Q, VRFs, bonds or nftables per node; install "
                "the Debian package user-mode-linux (ci/bootstrap-lab.sh) for the full-fidelity lab",
                affects=[d.name for d in design.devices] + [e.name for e in design.endpoints],
            )
        )
    for feature, production, container_text, marker, affects in _design_features(design):
        if not lab.models(marker):
            found.append(
                Gap(
                    feature=feature,
                    production=production,
                    lab=_kernel_or_templates(lab, container_text),
                    affects=affects,
                )
            )
    firewall = design.security.firewall
    if firewall:
        found.append(
            Gap(
                feature="Policy point between zones",
                production=f"{firewall.name} routes between the zone VRFs and passes only what "
                "security.allowed names (nftables)",
                lab=f"{firewall.name} passes the same rules, rendered from the same policy as iptables rules "
                "(/etc/iptables/rules.v4): Debian's user-mode Linux kernel has nf_tables for the bridge "
                "family only, so the nftables file itself is rendered and golden-tested but not loaded"
                if lab.machines
                else f"{firewall.name} runs, but without its 802.1Q legs (no VLAN devices in the "
                "kernel) it passes nothing",
                affects=[firewall.name],
            )
        )
    bonded = [e for e in design.endpoints if e.bond]
    if bonded and lab.machines:
        found.append(
            Gap(
                feature="LACP negotiation",
                production="dual-homed servers negotiate their bonds with LACP (802.3ad) with the leaf pair",
                lab="the bonds are static (balance-xor) on both sides: Linux runs LACP only on "
                "full-duplex ports and the machines' virtual NICs report no duplex; the server's bond "
                "monitors its members by ARP to its gateway, so both leaves learn its address (FRR 8.4 does "
                "not install the neighbour an ES peer syncs: FRRouting/frr#13934). The Ethernet segment, "
                "its designated forwarder and the failover of EVPN multihoming run as in production",
                affects=[e.name for e in bonded],
            )
        )
    found.append(
        Gap(
            feature="Hardware MTU and forwarding",
            production="jumbo frames on switch ASICs, per device model",
            lab="veth pairs (containerlab MTU 9500) forwarding in "
            + (
                "each node's own user-mode Linux kernel, several times slower than a container"
                if lab.machines
                else "the Linux kernel"
            )
            + ": MTUs can be configured, but say nothing about the hardware path, its buffers, its speed "
            "or convergence times",
            affects=_grouped([(f"mtu {d.mtu}", d.name) for d in design.devices]),
        )
    )
    production_platforms = [d for d in design.devices if d.platform is not Platform.FRR]
    if production_platforms:
        found.append(
            Gap(
                feature="Production platform",
                production="the devices run their vendor OS ("
                + ", ".join(sorted({p.platform.value for p in production_platforms}))
                + ")",
                lab="every device runs Debian + FRR 8.4 with the napalm_frr driver; the production "
                "platform's configuration is rendered and checked, but not run",
                affects=_grouped([(f"{d.platform.value} {d.model}", d.name) for d in production_platforms]),
            )
        )
    found.append(
        Gap(
            feature="Management VRF",
            production="management interface and services in a dedicated management VRF "
            f"({design.management.subnet})",
            lab=f"eth0 in the default VRF on containerlab's management network {mgmt_network(design)} "
            f"({design.management.subnet})" + ("" if lab.machines else "; no VRF devices"),
            affects=[d.name for d in design.devices],
        )
    )
    if design.management.aaa.tacacs:
        found.append(
            Gap(
                feature="TACACS+ authentication and accounting",
                production="logins authorised by TACACS+ servers, local users as fallback",
                lab="no TACACS+ server: one local lab user (FUNDAMENT_LAB_USER / FUNDAMENT_LAB_PASSWORD) on "
                "every node",
                affects=[str(server.host) for server in design.management.aaa.tacacs],
            )
        )
    services = design.management
    found.append(
        Gap(
            feature="Management services (NTP, DNS, syslog)",
            production="devices sync time, resolve names and log to the province's servers",
            lab="the servers do not exist in the lab: their configuration is applied, but nothing answers",
            affects=[f"ntp {a}" for a in services.ntp]
            + [f"dns {a}" for a in services.dns]
            + [f"syslog {s.host}" for s in services.syslog],
        )
    )
    wan = [link for link in design.links if link.kind is LinkKind.WAN]
    if wan:
        found.append(
            Gap(
                feature="WAN carrier circuits",
                production="carrier circuits with their own latency, bandwidth and failure behaviour",
                lab="a direct veth pair per circuit: no latency, no bandwidth limit",
                affects=[
                    f"{link.a.device}:{link.a.interface} - {link.b.device}:{link.b.interface}" for link in wan
                ],
            )
        )
    return found
