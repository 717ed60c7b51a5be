"""The program under Pulumi's mock runtime: what it declares for each segment, workload and stack."""

import json
import runpy
from collections import Counter

import pulumi
import pytest

from infra.naming import port_group_name, wave_tag, zone_folder
from infra.plan import Plan, Recorder, plan
from infra.policy.rules import Declared
from infra.settings import LAB_LIMITS
from infra.stacks import PROJECT_DIR, stack_config
from infra.tokens import FOLDER, POOL, PORT_GROUP, PROVIDER, SWITCH, TAG, TAG_CATEGORY, VM
from inventory import Design
from inventory.model import Datacenter

DECLARED_TYPES = {PROVIDER, TAG_CATEGORY, TAG, FOLDER, POOL, SWITCH, PORT_GROUP, VM}
"""Every resource type the program declares; each has a test below."""


def by_type(result: Plan, type_: str) -> dict[str, Declared]:
    return {resource.name: resource for resource in result.resources if resource.type == type_}


def test_declares_exactly_the_tested_resource_types(prod: Plan) -> None:
    assert {resource.type for resource in prod.resources} == DECLARED_TYPES


def test_resource_counts_follow_the_design(prod: Plan, design: Design, dc: Datacenter) -> None:
    zones = {design.segment_by_name[group.segment].zone for group in dc.port_groups}
    bio = {zone.bio_classification for zone in design.security.zones if zone.name in zones}
    waves = {vm.migration_wave for vm in dc.workloads}
    assert Counter(resource.type for resource in prod.resources) == {
        PROVIDER: 1,
        TAG_CATEGORY: 4,
        TAG: len(zones) + len(bio) + len(dc.owners) + len(waves),
        FOLDER: 1 + len(zones),
        POOL: len(dc.resource_pools),
        SWITCH: len(dc.distributed_switches),
        PORT_GROUP: len(dc.port_groups),
        VM: len(dc.workloads),
    }


def test_one_port_group_per_segment_with_its_vlan_switch_and_zone(
    prod: Plan, design: Design, dc: Datacenter
) -> None:
    groups = by_type(prod, PORT_GROUP)
    zones = {zone.name: zone for zone in design.security.zones}
    for entry in dc.port_groups:
        segment = design.segment_by_name[entry.segment]
        group = groups[port_group_name(segment)]
        assert group.props["vlanId"] == segment.vlan
        assert [switch.name for switch in group.refs["distributedVirtualSwitchUuid"]] == [entry.switch]
        assert group.tags() == {
            "zone": [segment.zone],
            "bio-classification": [zones[segment.zone].bio_classification],
        }
        assert (group.props["allowPromiscuous"], group.props["allowForgedTransmits"]) == (False, False)


def test_each_workload_is_a_vm_sized_placed_tagged_and_on_its_port_group(
    prod: Plan, design: Design, dc: Datacenter
) -> None:
    vms = by_type(prod, VM)
    zones = {zone.name: zone for zone in design.security.zones}
    for workload in dc.workloads:
        vm = vms[workload.name]
        segment = design.segment_by_name[workload.segment]
        assert (vm.props["numCpus"], vm.props["memory"]) == (workload.cpus, workload.memory_mb)
        assert [(d["label"], d["size"], d["thinProvisioned"]) for d in vm.props["disks"]] == [
            (f"disk{unit}", disk.size_gb, disk.thin) for unit, disk in enumerate(workload.disks)
        ]
        assert [group.props["name"] for group in vm.referenced("networkInterfaces", PORT_GROUP)] == [
            port_group_name(segment)
        ]
        assert [pool.name for pool in vm.refs["resourcePoolId"]] == [workload.resource_pool]
        assert [store.name for store in vm.refs["datastoreId"]] == [workload.datastore]
        assert vm.props["folder"] == zone_folder(dc.vm_folder, segment.zone)
        assert vm.props["guestId"] == workload.guest_id
        assert vm.tags() == {
            "zone": [segment.zone],
            "bio-classification": [zones[segment.zone].bio_classification],
            "owner": [workload.owner],
            "migration-wave": [wave_tag(workload.migration_wave)],
        }


def test_switches_span_the_hosts_of_their_clusters(prod: Plan, dc: Datacenter) -> None:
    switches = by_type(prod, SWITCH)
    hosts = {cluster.name: cluster.hosts for cluster in dc.clusters}
    for entry in dc.distributed_switches:
        switch = switches[entry.name]
        assert [host.name for host in switch.refs["hosts"]] == [h for c in entry.clusters for h in hosts[c]]
        assert all(host["devices"] == entry.host_nics for host in switch.props["hosts"])
        assert (switch.props["maxMtu"], switch.props["uplinks"]) == (entry.mtu, entry.uplinks)


def test_resource_pools_hang_under_their_cluster(prod: Plan, dc: Datacenter) -> None:
    pools = by_type(prod, POOL)
    for entry in dc.resource_pools:
        pool = pools[entry.name]
        assert [cluster.name for cluster in pool.refs["parentResourcePoolId"]] == [entry.cluster]
        assert (pool.props["cpuShareLevel"], pool.props["memoryShareLevel"]) == (
            entry.cpu_shares,
            entry.memory_shares,
        )
        assert (pool.props["cpuReservation"], pool.props["memoryReservation"]) == (
            entry.cpu_reservation_mhz,
            entry.memory_reservation_mb,
        )


def test_zone_folders_below_the_top_folder_carry_zone_tags(
    prod: Plan, design: Design, dc: Datacenter
) -> None:
    folders = {folder.props["path"]: folder for folder in by_type(prod, FOLDER).values()}
    zones = {design.segment_by_name[group.segment].zone for group in dc.port_groups}
    assert set(folders) == {dc.vm_folder} | {zone_folder(dc.vm_folder, zone) for zone in zones}
    assert all(folders[zone_folder(dc.vm_folder, zone)].tags()["zone"] == [zone] for zone in zones)
    assert all(folder.props["type"] == "vm" for folder in folders.values())


def test_tag_categories_hold_one_tag_per_object(prod: Plan) -> None:
    categories = {c.props["name"]: c for c in by_type(prod, TAG_CATEGORY).values()}
    assert set(categories) == {"zone", "bio-classification", "owner", "migration-wave"}
    assert all(category.props["cardinality"] == "SINGLE" for category in categories.values())
    assert "DistributedVirtualPortgroup" in categories["zone"].props["associableTypes"]
    tags = by_type(prod, TAG).values()
    assert all(len(tag.referenced("categoryId", TAG_CATEGORY)) == 1 for tag in tags)


def test_everything_goes_through_the_one_vcenter_provider(prod: Plan, dc: Datacenter) -> None:
    (provider,) = by_type(prod, PROVIDER).values()
    assert provider.props["vsphereServer"] == dc.vcenter
    served = [r for r in prod.recorded if r.kind != "component" and r.type != PROVIDER]
    (reference,) = {r.provider for r in served}
    assert reference.startswith("urn:pulumi:prod::fundament-datacenter::")
    assert reference.endswith(f"{PROVIDER}::vcenter::{provider.urn}")
    assert {r.kind for r in served} == {"resource", "lookup"}
    assert prod.lookups[0].name == dc.name


def test_lab_stack_shrinks_vms_and_drops_reservations(design: Design) -> None:
    lab = plan(design, "lab")
    vms = by_type(lab, VM).values()
    assert max(vm.props["numCpus"] for vm in vms) <= LAB_LIMITS["cpus"]
    assert max(vm.props["memory"] for vm in vms) <= LAB_LIMITS["memory_mb"]
    assert max(d["size"] for vm in vms for d in vm.props["disks"]) <= LAB_LIMITS["disk_gb"]
    assert {pool.props["memoryReservation"] for pool in by_type(lab, POOL).values()} == {0}
    # The lab's vCenter is the simulator, driven through the project's own resources.
    assert stack_config("lab")["fundament:backend"] == "vcsim"


def test_outputs_name_port_groups_and_workload_addresses(prod: Plan, design: Design, dc: Datacenter) -> None:
    assert prod.outputs["port_groups"]["dmz"]["vlan"] == design.segment_by_name["dmz"].vlan
    assert {name: w["ipv4"] for name, w in prod.outputs["workloads"].items()} == {
        vm.name: str(vm.ipv4) for vm in dc.workloads
    }


def test_credentials_from_the_environment_stay_secret(
    design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VSPHERE_USER", "svc-pulumi@vsphere.local")
    monkeypatch.setenv("VSPHERE_PASSWORD", "correct-horse-battery-staple")
    result = plan(design, "prod")
    shown = json.dumps(result.as_dict())
    assert "correct-horse-battery-staple" not in shown
    (provider,) = by_type(result, PROVIDER).values()
    assert provider.props["password"] == "[secret]"
    assert result.rows()[0]["properties"]["credentials"] == "set (secret)"


def test_engine_entry_point_loads_checks_and_declares_the_sample(prod: Plan) -> None:
    """infra/__main__.py, as the engine's language host runs it, here under the mock runtime."""
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="fundament-datacenter", stack="prod", preview=False)
    pulumi.runtime.set_all_config({})

    def engine_runs_the_program() -> None:
        runpy.run_path(str(PROJECT_DIR / "__main__.py"), run_name="__main__")

    pulumi.runtime.test(engine_runs_the_program)()  # type: ignore[no-untyped-call]
    declared = sorted((r.type, r.name) for r in recorder.recorded if r.kind == "resource")
    assert declared == sorted((r.type, r.name) for r in prod.resources)
