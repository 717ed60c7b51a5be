"""One broken input per validation rule, with the exact message (file:line: key path: message)."""

from collections.abc import Callable

import pytest

Broken = Callable[..., list[str]]

CASES = {
    "unknown device": (
        {"links": ('{a: "spine1:eth1", b: "leaf1:eth1"}', '{a: "spine1:eth1", b: "leaf9:eth1"}')},
        "links.yaml:6: links[0].b.device: unknown device 'leaf9'",
    ),
    "unknown interface": (
        {"endpoints": ('attach: "leaf1:eth3"', 'attach: "leaf1:eth7"')},
        "endpoints.yaml:4: endpoints[0].attach.interface: unknown interface 'eth7': not an access port of leaf1",
    ),
    "unknown segment": (
        {
            "devices": (
                "{interface: eth3, segment: server, description: esx01 vmnic2}",
                "{interface: eth3, segment: servers, description: esx01 vmnic2}",
            )
        },
        "devices.yaml:15: devices[2].access_ports[0].segment: unknown segment 'servers'",
    ),
    "segment not on the device of an access port": (
        {
            "devices": (
                "{interface: eth4, segment: opslag, description: backup proxy}",
                "{interface: eth4, segment: dmz, description: backup proxy}",
            )
        },
        "devices.yaml:16: devices[2].access_ports[1].segment: segment dmz is not present on leaf1 (see its present_on)",
    ),
    "segment on a device that is no VTEP": (
        {
            "segments": (
                "present_on: [leaf1, leaf2]\n    description: Applicatieservers",
                "present_on: [leaf1, spine1]\n    description: Applicatieservers",
            )
        },
        "segments.yaml:34: segments[3].present_on[1]: spine1 is a spine, not a VTEP role (leaf, border-leaf, access)",
    ),
    "interface used by two links": (
        {"links": ('{a: "spine1:eth2", b: "leaf2:eth1"}', '{a: "spine1:eth1", b: "leaf2:eth1"}')},
        "links.yaml:7: links[1].a.interface: interface spine1:eth1 is already used at links.0.a.interface",
    ),
    "duplicate address": (
        {"devices": ("loopback: 10.255.0.12", "loopback: 10.255.0.11")},
        "devices.yaml:22: devices[3].loopback: address 10.255.0.11 is already used at devices.2.loopback",
    ),
    "overlapping subnets": (
        {
            "segments": (
                "subnet: 10.20.230.0/24\n    gateway: 10.20.230.1",
                "subnet: 10.20.210.128/25\n    gateway: 10.20.210.129",
            )
        },
        "segments.yaml:47: segments[5].subnet: subnet 10.20.210.128/25 overlaps 10.20.210.0/24 at segments.3.subnet",
    ),
    "loopback outside its pool": (
        {"devices": ("loopback: 10.255.0.11", "loopback: 10.254.9.11")},
        "devices.yaml:12: devices[2].loopback: 10.254.9.11 is outside loopback_pool 10.255.0.0/24",
    ),
    "management address outside the management subnet": (
        {"devices": ("mgmt_ipv4: 172.20.20.13/24", "mgmt_ipv4: 172.20.21.13/24")},
        "devices.yaml:11: devices[2].mgmt_ipv4: 172.20.21.13/24 is not in management subnet 172.20.20.0/24",
    ),
    "endpoint outside its segment": (
        {"endpoints": ("ipv4: 10.20.210.11/24", "ipv4: 10.20.211.11/24")},
        "endpoints.yaml:4: endpoints[0].ipv4: 10.20.211.11/24 is not in segment server (10.20.210.0/24)",
    ),
    "duplicate VLAN on one device": (
        {"segments": ("vlan: 120", "vlan: 110")},
        "segments.yaml:21: segments[2].vlan: VLAN 110 is already used at segments.1.vlan on acc2",
    ),
    "duplicate VNI": (
        {"segments": ("vni: 10120", "vni: 10110")},
        "segments.yaml:22: segments[2].vni: VNI 10110 is already used at segments.1.vni",
    ),
    "ASN outside the range": (
        {"devices": ("asn: 65312", "asn: 64512")},
        "devices.yaml:82: devices[13].asn: ASN 64512 is outside asn_range 65000-65499",
    ),
    "ASN used twice": (
        {"devices": ("asn: 65102", "asn: 65101")},
        "devices.yaml:23: devices[3].asn: ASN 65101 is already used by leaf1",
    ),
    "spines of a site with different ASNs": (
        {"devices": ("loopback: 10.255.0.2, asn: 65100", "loopback: 10.255.0.2, asn: 65109")},
        "devices.yaml:7: devices[1].asn: spine devices of site dc1 share one ASN: spine1 has 65100",
    ),
    "link ends disagree on addressing": (
        {
            "links": (
                "b: {device: wan-noord, interface: eth1, ipv4: 10.254.0.1/31}",
                "b: {device: wan-noord, interface: eth1}",
            )
        },
        "links.yaml:24: links[14].b: end a is numbered but end b is not: both or neither",
    ),
    "link ends in different /31s": (
        {"links": ("ipv4: 10.254.0.1/31}", "ipv4: 10.254.0.5/31}")},
        "links.yaml:24: links[14].b.ipv4: 10.254.0.5/31 is not in the same /31 as 10.254.0.0/31",
    ),
    "gateway outside the subnet": (
        {"segments": ("gateway: 10.10.120.1", "gateway: 10.10.121.1")},
        "segments.yaml:24: segments[2].gateway: gateway 10.10.121.1 is outside subnet 10.10.120.0/24",
    ),
    "gateway is the network address": (
        {"segments": ("gateway: 10.10.120.1", "gateway: 10.10.120.0")},
        "segments.yaml:24: segments[2].gateway: gateway 10.10.120.0 is not a host address of 10.10.120.0/24",
    ),
    "unknown zone": (
        {"segments": ("zone: gast", "zone: gasten")},
        "segments.yaml:25: segments[2].zone: unknown zone 'gasten'",
    ),
    "schema: VLAN out of range, with its line": (
        {"segments": ("vlan: 120", "vlan: 5000")},
        "segments.yaml:21: segments[2].vlan: Input should be less than or equal to 4094 (got 5000)",
    ),
    "schema: misspelt key": (
        {"segments": ("present_on: [acc2, acc-noord]", "present: [acc2, acc-noord]")},
        "segments.yaml:26: segments[2].present: unknown key",
    ),
    "schema: an inherited value is reported once, at the layer that set it": (
        {"design": ("    mtu: 9000", "    mtu: 20000")},
        "design.yaml:25: roles.access.mtu: Input should be less than or equal to 9216 (got 20000)",
    ),
    "schema: a bad value in a layer": (
        {"design": ("  platform: eos", "  platform: junos")},
        "design.yaml:11: defaults.platform: Input should be 'eos' or 'frr' (got 'junos')",
    ),
    "YAML syntax error": (
        {"sites": ("  - name: ph\n", "  - name: ph\n   kind: [\n")},
        "sites.yaml:8: YAML syntax: did not find expected '-' indicator",
    ),
    "section defined twice": (
        {"sites": ("sites:\n", "routing: {}\nsites:\n")},
        "sites.yaml:2: routing: section is also defined in routing.yaml:4",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_rule_reports_exact_message(broken: Broken, case: str) -> None:
    edits, expected = CASES[case]
    assert expected in broken(**edits)


def test_an_inherited_value_is_reported_once_not_per_device(broken: Broken) -> None:
    assert len(broken(design=("    mtu: 9000", "    mtu: 20000"))) == 1


def test_all_problems_are_reported_not_only_the_first(broken: Broken) -> None:
    problems = broken(
        segments=("vni: 10120", "vni: 10110"),
        devices=("loopback: 10.255.0.11", "loopback: 10.254.9.11"),
    )
    assert len(problems) == 2
