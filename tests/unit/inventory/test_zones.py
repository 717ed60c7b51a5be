"""Zones, services, the firewall and bonds: each rule with its exact message (file:line: key path: message)."""

import pytest

from inventory import load_design
from tests.unit.inventory.conftest import SAMPLE
from tests.unit.inventory.test_errors import Broken

CASES = {
    "a rule names an unknown service": (
        {"management": ("services: [https, smb, ldap]", "services: [https, smb, ldapx]")},
        "management.yaml:41: security.allowed[0].services[2]: unknown service 'ldapx'",
    ),
    "an endpoint answers on an unknown service": (
        {"endpoints": ("services: [ssh], description: PLC", "services: [modbus], description: PLC")},
        "endpoints.yaml:9: endpoints[5].services[0]: unknown service 'modbus'",
    ),
    "a service defined twice": (
        {"management": ("{name: smb, protocol: tcp, port: 445}", "{name: ssh, protocol: tcp, port: 445}")},
        "management.yaml:37: security.services[2].name: service ssh is already used at security.services.1.name",
    ),
    "two zones share an L3VNI": (
        {"management": ("l3vni: 50110", "l3vni: 50010")},
        "management.yaml:28: security.zones[1].vrf.l3vni: VNI 50010 is already used at security.zones.0.vrf.l3vni",
    ),
    "an L3VNI is a segment's VNI": (
        {"management": ("l3vni: 50110", "l3vni: 10110")},
        "management.yaml:28: security.zones[1].vrf.l3vni: VNI 10110 is already used at segments.1.vni",
    ),
    "a zone's L3VNI VLAN is a segment's VLAN on the same VTEP": (
        {"management": ("vlan: 4002}", "vlan: 120}")},
        "management.yaml:28: security.zones[1].vrf.vlan: VLAN 120 is already used at segments.2.vlan on acc2",
    ),
    "a routed zone in a rule without a firewall leg": (
        {"management": ("      - {zone: ot, vlan: 3310}\n", "")},
        "management.yaml:44: security.allowed[3].to: zone ot has no leg on firewall fw1",
    ),
    "a firewall leg for a zone without a VRF": (
        {
            "management": (
                "bio_classification: BBN2, vrf: {l3vni: 50220, vlan: 4005}}",
                "bio_classification: BBN2}",
            )
        },
        "management.yaml:58: security.firewall.legs[3].zone: zone dmz has no vrf to route to the firewall",
    ),
    "a firewall uplink on a spine": (
        {"management": ('attach: "bl2:eth6"', 'attach: "spine2:eth6"')},
        "management.yaml:53: security.firewall.uplinks[1].attach.device: "
        "spine2 is a spine, not a VTEP role (leaf, border-leaf, access)",
    ),
    "a firewall uplink on a port a link uses": (
        {"management": ('attach: "bl2:eth6"', 'attach: "bl2:eth3"')},
        "management.yaml:53: security.firewall.uplinks[1].attach.interface: interface bl2:eth3 is already "
        "used at links.9.a.interface",
    ),
    "a transit pool too small for every leg": (
        {"management": ("transit_pool: 10.253.0.0/24", "transit_pool: 10.253.0.0/28")},
        "management.yaml:60: security.firewall.transit_pool: 10.253.0.0/28 has 16 addresses, "
        "2 uplinks x 5 legs need 20",
    ),
    "a transit pool overlapping a segment": (
        {"management": ("transit_pool: 10.253.0.0/24", "transit_pool: 10.20.0.0/16")},
        "segments.yaml:31: segments[3].subnet: subnet 10.20.210.0/24 overlaps 10.20.0.0/16 at "
        "security.firewall.transit_pool",
    ),
    "a firewall named like a device": (
        {"management": ("name: fw1", "name: bl1")},
        "management.yaml:49: security.firewall.name: firewall name bl1 is also a device name",
    ),
    "a firewall outside the management subnet": (
        {"management": ("mgmt_ipv4: 172.20.20.40/24", "mgmt_ipv4: 172.20.21.40/24")},
        "management.yaml:50: security.firewall.mgmt_ipv4: 172.20.21.40/24 is not in management subnet "
        "172.20.20.0/24",
    ),
    "a zone VRF name longer than a Linux interface name": (
        {"management": ("name: beheer, description", "name: beheer-en-onderhoud, description")},
        "management.yaml:27: security.zones[0].name: zone beheer-en-onderhoud has a VRF: at most 15 characters",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_rule_reports_exact_message(broken: Broken, case: str) -> None:
    edits, expected = CASES[case]
    problems = broken(**edits)
    assert any(expected in problem for problem in problems), problems


def test_the_sample_routes_every_zone_and_names_its_policy_point() -> None:
    design = load_design(SAMPLE)
    assert all(zone.vrf is not None for zone in design.security.zones)
    assert design.security.firewall is not None
    legs = {leg.zone for leg in design.security.firewall.legs}
    assert {zone for rule in design.security.allowed for zone in (rule.source, rule.destination)} <= legs
