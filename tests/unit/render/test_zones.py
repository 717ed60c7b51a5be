"""Zones in the facts and the firewall's configuration: VRFs with their L3VNI, anycast gateways, bonds with
EVPN multihoming, the border leaves' legs, and the firewall's rules (nftables, and iptables for the lab) passing exactly what
security.allowed names."""

import re
from itertools import permutations
from pathlib import Path

import pytest

from inventory import Design
from network.facts import DeviceFacts, all_facts
from network.firewall import FILES, IPTABLES_RULES, NFTABLES_RULES, firewall_facts, render_firewall
from tests.golden import assert_matches_golden

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
                design.routing.overlay.gateway_mac if design.routing.overlay else None,
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
    assert {name: [(b.es_id, b.members, b.vlan) for b in found] for name, found in bonds.items()} == {
        "leaf1": [(1, ["eth5"], 210)],
        "leaf2": [(1, ["eth5"], 210)],
    }
    assert bonds["leaf1"][0].esi == bonds["leaf2"][0].esi == "03:02:00:00:00:00:01:00:00:01"
    members = {p.name: p.bond for p in facts["leaf1"].access_ports}
    assert members == {"eth3": None, "eth4": None, "eth5": 1}


_NFT_ACCEPT = re.compile(
    r"iifname @zone_(\w+) oifname @zone_(\w+) (tcp|udp) dport \{ ([\d, ]+) \} ct state new accept"
)
_IPT_ACCEPT = re.compile(
    r"-A FORWARD -i (\S+) -o (\S+) -p (tcp|udp) -m multiport --dports ([\d,]+) -m conntrack --ctstate NEW -j ACCEPT"
)


def _allowed(design: Design) -> set[tuple[str, str, str, int]]:
    return {
        (
            rule.source,
            rule.destination,
            design.service_by_name[name].protocol,
            design.service_by_name[name].port,
        )
        for rule in design.security.allowed
        for name in rule.services
    }


def test_nftables_passes_exactly_the_allowed_services(design: Design) -> None:
    nftables = render_firewall(design)[NFTABLES_RULES]
    passed = {
        (source, destination, protocol, int(port))
        for source, destination, protocol, ports in _NFT_ACCEPT.findall(nftables)
        for port in ports.split(", ")
    }
    assert passed == _allowed(design)
    assert "policy drop;" in nftables.split("chain forward")[1]
    # Besides the allowed services: established (input and forward), lo, eth0.
    assert nftables.count(" accept") == len(_NFT_ACCEPT.findall(nftables)) + 4
    zones = {zone.name for zone in design.security.zones}
    allowed = {(rule.source, rule.destination) for rule in design.security.allowed}
    for source, destination in permutations(sorted(zones), 2):
        if (source, destination) not in allowed:
            assert f"@zone_{source} oifname @zone_{destination} " not in nftables


def test_iptables_passes_what_nftables_passes_on_every_leg(design: Design) -> None:
    """The lab loads the iptables rules (its kernel has no nf_tables ip/inet): they must be the same policy."""
    assert design.security.firewall is not None
    zone_of = {
        leg: zone
        for zone, legs in firewall_facts(design, design.security.firewall).zones.items()
        for leg in legs
    }
    iptables = render_firewall(design)[IPTABLES_RULES]
    rules = _IPT_ACCEPT.findall(iptables)
    passed = {
        (zone_of[inbound], zone_of[outbound], protocol, int(port))
        for inbound, outbound, protocol, ports in rules
        for port in ports.split(",")
    }
    assert passed == _allowed(design)
    # Every leg of the source zone to every leg of the destination zone, for each allowed rule.
    legs = {(zone_of[inbound], zone_of[outbound], inbound, outbound) for inbound, outbound, _, _ in rules}
    for source, destination, _, _ in passed:
        for inbound in (leg for leg, zone in zone_of.items() if zone == source):
            for outbound in (leg for leg, zone in zone_of.items() if zone == destination):
                assert (source, destination, inbound, outbound) in legs
    assert ":FORWARD DROP" in iptables and ":INPUT DROP" in iptables
    assert iptables.count("-j ACCEPT") == len(rules) + 4


@pytest.mark.parametrize("path", sorted(FILES))
def test_firewall_files_match_golden(design: Design, path: str) -> None:
    assert_matches_golden(render_firewall(design)[path], GOLDEN / Path(path).name)
