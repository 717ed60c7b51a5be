"""Zones in the facts and the firewall's configuration: VRFs with their L3VNI, anycast gateways, bonds with
EVPN multihoming, the border leaves' legs, and nftables passing exactly what security.allowed names."""

import os
import re
from itertools import permutations
from pathlib import Path

import pytest

from inventory import Design
from network.facts import DeviceFacts, all_facts
from network.firewall import render_firewall

GOLDEN = Path(__file__).parent / "golden" / "firewall"


@pytest.fixture(scope="module")
def facts(design: Design) -> dict[str, DeviceFacts]:
    return all_facts(design)


def test_every_vtep_of_a_routed_zone_has_its_vrf_and_l3vni(
    design: Design, facts: dict[str, DeviceFacts]
) -> None:
    for segment in design.segments:
        zone = design.zone_by_name[segment.zone]
        assert zone.vrf is not None
        for name in segment.present_on:
            vrfs = {vrf.name: vrf for vrf in facts[name].vrfs}
            assert (vrfs[zone.name].l3vni, vrfs[zone.name].vlan) == (zone.vrf.l3vni, zone.vrf.vlan)


def test_a_gateway_is_one_address_and_one_mac_on_every_vtep(
    design: Design, facts: dict[str, DeviceFacts]
) -> None:
    for segment in design.segments:
        seen = {
            (str(s.gateway), s.vrf, facts[name].gateway_mac)
            for name in segment.present_on
            for s in facts[name].segments
            if s.name == segment.name
        }
        assert seen == {
            (
                f"{segment.gateway}/{segment.subnet.prefixlen}",
                segment.zone,
                design.routing.overlay.gateway_mac,
            )
        }


def test_a_vrf_exists_only_where_its_zone_has_a_segment_or_a_leg(facts: dict[str, DeviceFacts]) -> None:
    assert [vrf.name for vrf in facts["leaf1"].vrfs] == ["server"]
    assert [vrf.name for vrf in facts["acc2"].vrfs] == ["kantoor", "gast"]
    assert facts["spine1"].vrfs == [] and facts["core1"].vrfs == []
    # The border leaves carry beheer and dmz, and have a leg in every zone the firewall routes.
    assert [vrf.name for vrf in facts["bl1"].vrfs] == ["beheer", "kantoor", "server", "dmz", "ot"]


def test_border_leaf_legs_face_the_firewall_addresses(design: Design, facts: dict[str, DeviceFacts]) -> None:
    firewall = render_firewall(design)["/etc/network/interfaces"]
    for name in ("bl1", "bl2"):
        for vrf in facts[name].vrfs:
            assert len(vrf.legs) == 1
            leg = vrf.legs[0]
            assert leg.interface == f"eth6.{leg.vlan}" and leg.ipv4.network.prefixlen == 31
            assert leg.next_hop in leg.ipv4.network and leg.next_hop != leg.ipv4.ip
            assert f"    address {leg.next_hop}/31\n" in firewall
            assert f"via {leg.ipv4.ip} dev " in firewall


def test_a_dual_homed_server_is_one_ethernet_segment_on_both_leaves(facts: dict[str, DeviceFacts]) -> None:
    bonds = {name: facts[name].bonds for name in ("leaf1", "leaf2")}
    assert {name: [(b.name, b.members, b.vlan) for b in found] for name, found in bonds.items()} == {
        "leaf1": [("bond1", ["eth5"], 210)],
        "leaf2": [("bond1", ["eth5"], 210)],
    }
    assert bonds["leaf1"][0].esi == bonds["leaf2"][0].esi == "03:02:00:00:00:00:01:00:00:01"
    members = {p.name: p.bond for p in facts["leaf1"].access_ports}
    assert members == {"eth3": None, "eth4": None, "eth5": "bond1"}


_ACCEPT = re.compile(
    r"iifname @zone_(\w+) oifname @zone_(\w+) (tcp|udp) dport \{ ([\d, ]+) \} ct state new accept"
)


def test_the_firewall_passes_exactly_the_allowed_services(design: Design) -> None:
    nftables = render_firewall(design)["/etc/nftables.conf"]
    passed = {
        (source, destination, protocol, int(port))
        for source, destination, protocol, ports in _ACCEPT.findall(nftables)
        for port in ports.split(", ")
    }
    expected = {
        (
            rule.source,
            rule.destination,
            design.service_by_name[name].protocol,
            design.service_by_name[name].port,
        )
        for rule in design.security.allowed
        for name in rule.services
    }
    assert passed == expected
    assert "policy drop;" in nftables.split("chain forward")[1]
    assert (
        nftables.count(" accept") == len(_ACCEPT.findall(nftables)) + 4
    )  # established, lo, established, eth0
    zones = {zone.name for zone in design.security.zones}
    allowed = {(rule.source, rule.destination) for rule in design.security.allowed}
    for source, destination in permutations(sorted(zones), 2):
        if (source, destination) not in allowed:
            assert f"@zone_{source} oifname @zone_{destination} " not in nftables


def test_firewall_files_match_golden(design: Design) -> None:
    for path, text in render_firewall(design).items():
        golden = GOLDEN / Path(path).name
        if os.environ.get("FUNDAMENT_UPDATE_GOLDEN") == "1":
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert text == golden.read_text(encoding="utf-8"), path
