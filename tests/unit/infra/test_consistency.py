"""The datacenter must agree with the network: broken inventories fail with file, line and key path."""

import re
from collections.abc import Callable

import pytest

from infra.consistency import check, check_live
from infra.naming import port_group_name
from inventory import Design
from tests.unit.infra.conftest import SAMPLE

PORT_GROUP_SERVER = "    - {segment: server, switch: dvs-bedrijf, description: Applicatieservers}\n"


def line_of(text: str) -> int:
    """1-based line of the first line of `text` in the sample's datacenter.yaml."""
    whole = (SAMPLE / "datacenter.yaml").read_text()
    assert text in whole
    return whole[: whole.index(text)].count("\n") + 1


def test_sample_design_is_consistent(design: Design) -> None:
    assert check(design) == []


def test_workload_on_a_segment_the_fabric_lacks(inconsistent: Callable[..., list[str]]) -> None:
    old = "      segment: server\n      ipv4: 10.20.210.21/24"
    problems = inconsistent(("datacenter", old, "      segment: kantoor\n      ipv4: 10.10.110.21/23"))
    assert problems == [
        f"datacenter.yaml:{line_of(old)}: datacenter.workloads[0].segment: segment kantoor is not in the "
        "fabric where cl-bedrijf is cabled: not present on leaf1, leaf2"
    ]


def test_duplicate_vlan_port_group(inconsistent: Callable[..., list[str]]) -> None:
    problems = inconsistent(("datacenter", PORT_GROUP_SERVER, PORT_GROUP_SERVER * 2))
    assert problems == [
        f"datacenter.yaml:{line_of(PORT_GROUP_SERVER) + 1}: datacenter.port_groups[1].segment: "
        "VLAN 210 is already used at datacenter.port_groups[0].segment"
    ]


def test_port_group_whose_segment_is_not_on_the_datacenter_leaves(
    inconsistent: Callable[..., list[str]],
) -> None:
    extra = "    - {segment: kantoor, switch: dvs-bedrijf}\n"
    problems = inconsistent(("datacenter", PORT_GROUP_SERVER, PORT_GROUP_SERVER + extra))
    assert problems == [
        f"datacenter.yaml:{line_of(PORT_GROUP_SERVER) + 1}: datacenter.port_groups[1].segment: segment kantoor "
        "(VLAN 110) is not present on leaf1, leaf2, where the hosts of dvs-bedrijf are cabled: "
        "add them to the segment's present_on"
    ]


CASES = {
    "dmz port group on the compute switch": (
        [("datacenter", "{segment: dmz, switch: dvs-rand,", "{segment: dmz, switch: dvs-bedrijf,")],
        [
            "datacenter.port_groups[2].segment: segment dmz (VLAN 220) is not present on leaf1, leaf2",
            "datacenter.workloads[5].segment: port group dpg-0220-dmz is on dvs-bedrijf, which cl-rand is not on",
        ],
    ),
    "workload name without instance number": (
        [("datacenter", "- name: zaaksysteem-01", "- name: zaaksysteem")],
        ["datacenter.workloads[0].name: 'zaaksysteem' breaks the naming convention"],
    ),
    "owner without the team- prefix": (
        [("datacenter", "- {name: team-geo,", "- {name: geo,")],
        [
            "datacenter.owners[1].name: 'geo' breaks the naming convention: owners start with 'team-'",
            "datacenter.workloads[3].owner: unknown owner 'team-geo'",
        ],
    ),
    "workload address taken by a lab endpoint": (
        [("datacenter", "ipv4: 10.20.210.21/24", "ipv4: 10.20.210.11/24")],
        ["datacenter.workloads[0].ipv4: address 10.20.210.11 is already used at endpoints[0].ipv4"],
    ),
    "workload address outside its segment": (
        [("datacenter", "ipv4: 10.20.210.22/24", "ipv4: 10.20.211.22/24")],
        ["datacenter.workloads[1].ipv4: 10.20.211.22/24 is not in segment server's subnet 10.20.210.0/24"],
    ),
    "workload on the gateway address": (
        [("datacenter", "ipv4: 10.20.210.22/24", "ipv4: 10.20.210.1/24")],
        ["datacenter.workloads[1].ipv4: 10.20.210.1 is the segment's gateway"],
    ),
    "datastore too small": (
        [("datacenter", "capacity_gb: 4000", "capacity_gb: 500")],
        [
            "datacenter.datastores[1].capacity_gb: the disks of its workloads need 860 GB, more than its 500 GB"
        ],
    ),
    "resource pool of another cluster": (
        [("datacenter", "resource_pool: rp-bedrijfskritisch", "resource_pool: rp-dmz")],
        ["datacenter.workloads[0].resource_pool: rp-dmz belongs to cl-rand, not cl-bedrijf"],
    ),
    "datastore of another cluster": (
        [("datacenter", "datastore: ds-bedrijf-01", "datastore: ds-rand-01")],
        ["datacenter.workloads[0].datastore: ds-rand-01 is mounted on cl-rand, not cl-bedrijf"],
    ),
    "cluster cabled to a campus switch": (
        [("datacenter", "leaves: [leaf1, leaf2]", "leaves: [leaf1, acc1]")],
        ["datacenter.clusters[0].leaves[1]: acc1 is a access at ph, not a leaf of dc1"],
    ),
    "fewer host NICs than uplinks": (
        [("datacenter", "host_nics: [vmnic2, vmnic3]", "host_nics: [vmnic2]")],
        ["datacenter.distributed_switches[0].host_nics: 1 host NICs for 2 uplinks"],
    ),
    "cluster on two switches": (
        [("datacenter", "clusters: [cl-rand]", "clusters: [cl-rand, cl-bedrijf]")],
        [
            "datacenter.distributed_switches[1].clusters[1]: cluster cl-bedrijf is already used at "
            "datacenter.distributed_switches[0].clusters[0]"
        ],
    ),
    "datacenter at a campus site": (
        [("datacenter", "  site: dc1", "  site: ph")],
        ["datacenter.site: site ph is a campus site, not a datacenter"],
    ),
    "port group on an unknown switch": (
        [("datacenter", "switch: dvs-rand, description: Beheer", "switch: dvs-x, description: Beheer")],
        ["datacenter.port_groups[3].switch: unknown distributed switch 'dvs-x'"],
    ),
    "segment withdrawn from a leaf": (
        [("segments", "[leaf1, leaf2]\n    description: Opslag", "[leaf1]\n    description: Opslag")],
        [
            "datacenter.port_groups[1].segment: segment opslag (VLAN 230) is not present on leaf2",
            "datacenter.workloads[4].segment: segment opslag is not in the fabric where cl-bedrijf is cabled",
        ],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_broken_inventory_fails_naming_the_path(case: str, inconsistent: Callable[..., list[str]]) -> None:
    edits, expected = CASES[case]
    problems = inconsistent(*edits)
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)
    # Every problem points into the datacenter section, with the line of the offending value.
    assert all(re.match(r"datacenter\.yaml:\d+: datacenter\.", problem) for problem in problems), problems


def as_deployed(design: Design) -> tuple[dict[str, int], dict[str, list[str]]]:
    """What vCenter reports after a correct `up` (infra.vcenter.network_facts' shape), plus an uplink group."""
    assert design.datacenter is not None
    segments = design.segment_by_name
    groups = {
        port_group_name(segments[g.segment]): segments[g.segment].vlan for g in design.datacenter.port_groups
    }
    vms = {vm.name: [port_group_name(segments[vm.segment])] for vm in design.datacenter.workloads}
    return {**groups, "dvs-bedrijf-DVUplinks": 0}, vms


def test_the_live_check_passes_what_a_correct_up_leaves(design: Design) -> None:
    assert check_live(design, *as_deployed(design)) == []


def test_the_live_check_names_each_disagreement(design: Design) -> None:
    groups, vms = as_deployed(design)
    groups["dpg-0210-server"] = 999
    del groups["dpg-0230-opslag"]
    vms["webportaal-01"] = ["dpg-0210-server"]
    vms["gis-01"] = []
    del vms["dms-01"]
    found = {
        (".".join(map(str, problem.path)), problem.message) for problem in check_live(design, groups, vms)
    }
    assert design.datacenter is not None
    index = {vm.name: i for i, vm in enumerate(design.datacenter.workloads)}
    assert found == {
        (
            f"datacenter.port_groups.{_group_index(design, 'server')}.segment",
            "port group dpg-0210-server carries VLAN 999 in vCenter, segment server has VLAN 210",
        ),
        (
            f"datacenter.port_groups.{_group_index(design, 'opslag')}",
            "port group dpg-0230-opslag is missing in vCenter",
        ),
        (
            f"datacenter.workloads.{index['webportaal-01']}.segment",
            "VM webportaal-01 is on dpg-0210-server in vCenter, its segment dmz is on dpg-0220-dmz",
        ),
        (
            f"datacenter.workloads.{index['gis-01']}.segment",
            "VM gis-01 is on no port group in vCenter, its segment server is on dpg-0210-server",
        ),
        (f"datacenter.workloads.{index['dms-01']}", "VM dms-01 is missing in vCenter"),
    }


def _group_index(design: Design, segment: str) -> int:
    assert design.datacenter is not None
    return next(i for i, group in enumerate(design.datacenter.port_groups) if group.segment == segment)
