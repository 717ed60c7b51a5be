"""What the lab cannot model of the production design, and what stands in for it.

The lab runs on a kernel without 802.1Q VLAN devices, VLAN-aware bridges, VRF devices or bonding (see
the lab notes), with every device as Debian + FRR. Each gap names the parts of the design it touches, so
the report shrinks and grows with the design instead of being a fixed text.
"""

from collections import defaultdict

from inventory.model import Design, LinkKind, Platform
from inventory.types import Model
from network.lab.topology import mgmt_network


class Gap(Model):
    feature: str
    production: str
    """What the production design specifies."""
    lab: str
    """What stands in for it in the lab (or that nothing does)."""
    affects: list[str]
    """The design's parts concerned (devices, segments, zones, servers)."""


def _grouped(pairs: list[tuple[str, str]]) -> list[str]:
    """`value: name, name` lines from (value, name) pairs, in first-seen order."""
    groups: dict[str, list[str]] = defaultdict(list)
    for value, name in pairs:
        groups[value].append(name)
    return [f"{value}: {', '.join(names)}" for value, names in groups.items()]


def gaps(design: Design) -> list[Gap]:
    """Every production feature of `design` that the lab does not model."""
    found: list[Gap] = []
    segments = design.segments
    if segments:
        found.append(
            Gap(
                feature="802.1Q trunks and VLAN tagging",
                production="segments are VLANs, carried tagged on trunks and mapped to VNIs on VLAN-aware "
                "bridges",
                lab="one plain Linux bridge per segment with its VXLAN device; access ports untagged, no "
                "trunks (the kernel has no 802.1Q devices and no bridge vlan_filtering); VLAN ids only name "
                "things",
                affects=[f"{s.name} (vlan {s.vlan}, vni {s.vni})" for s in segments],
            )
        )
        found.append(
            Gap(
                feature="VRFs, L3VNIs and symmetric IRB",
                production="each security zone is a VRF with its own L3VNI; routing between segments is "
                "symmetric IRB inside the zone's VRF",
                lab="everything in the default VRF (no VRF devices); no L3VNI, so no routing between "
                "segments over the overlay: zone separation is not tested in the lab",
                affects=sorted({s.zone for s in segments}),
            )
        )
        found.append(
            Gap(
                feature="Distributed anycast gateways",
                production="every VTEP carrying a segment answers on its gateway address (same IP and MAC)",
                lab="segments are layer 2 only: no gateway address on the bridges; test hosts reach hosts in "
                "their own segment only",
                affects=[f"{s.name} ({s.gateway})" for s in segments],
            )
        )
    found.append(
        Gap(
            feature="Bonding, MLAG and EVPN multihoming (ESI)",
            production="dual-homed servers, firewalls and leaf pairs with LACP bonds / ESI multihoming",
            lab="single-homed test hosts on one access port each; no bonds (the kernel has no bonding)",
            affects=[f"{e.name} ({e.attach.device}:{e.attach.interface})" for e in design.endpoints],
        )
    )
    found.append(
        Gap(
            feature="Hardware MTU and forwarding",
            production="jumbo frames on switch ASICs, per device model",
            lab="veth pairs (containerlab MTU 9500) forwarding in the Linux kernel: MTUs can be configured, "
            "but say nothing about the hardware path, its buffers or its speed",
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
            f"({design.management.subnet}); no VRF devices",
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
