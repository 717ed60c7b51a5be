"""The datacenter through the real Pulumi engine against vcsim: up, no-op up, drift, a design change, bad
input, destroy. Every object is read back from the simulator with pyVmomi and the REST tagging API.

The tests share one simulator and one stack state (in a temporary directory of their own, so they run
beside `ci/main.sh`'s simulator) and run in file order: each builds on what the previous one left.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyVmomi import vim

from infra import sim
from infra.naming import port_group_name, wave_tag, zone_folder
from infra.settings import LAB_LIMITS
from infra.vcenter import Session
from inventory import Design, load_design
from tests.lab.fundament_cli import design_copy, fundament

STACK = "lab"
NEW_SEGMENT = """  - name: archief
    vlan: 240
    vni: 10240
    subnet: 10.20.240.0/24
    gateway: 10.20.240.1
    zone: server
    present_on: [leaf1, leaf2]
    description: Archief
  - name: dmz
"""
OPSLAG_PORT_GROUP = "    - {segment: opslag, switch: dvs-bedrijf, description: Opslag en back-up}\n"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A simulator and a state backend of this module's own; the simulator stops when the module ends."""
    root = tmp_path_factory.mktemp("infra")
    values = {
        "FUNDAMENT_INFRA_SIM_DIR": str(root / "sim"),
        "PULUMI_BACKEND_URL": f"file://{root / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": "infra-lab-test",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in values.items():
            patch.setenv(key, value)
        try:
            started = fundament("infra", "sim", "up", "--json")
            assert started.returncode == 0, started.stderr
            yield values
        finally:
            fundament("infra", "sim", "down")
    assert not sim.status().running


@pytest.fixture
def vc(env: dict[str, str]) -> Iterator[Session]:
    session = Session(sim.endpoint())
    yield session
    session.close()


@pytest.fixture(scope="module")
def design() -> Design:
    return load_design()


def run(*args: str) -> tuple[int, dict[str, Any], str]:
    """`fundament infra ... --json`: exit code, the JSON on stdout, stderr."""
    done = fundament("infra", *args, "--json")
    return done.returncode, json.loads(done.stdout or "{}"), done.stderr


def inventory(vc: Session) -> dict[str, Any]:
    """Everything the stack can own, as the simulator reports it."""
    groups = {g.name: g for g in vc.objects(vim.dvs.DistributedVirtualPortgroup) if "DVUplinks" not in g.name}
    categories = {vc.rest("GET", f"/category/id:{c}")["name"]: c for c in vc.rest("GET", "/category") or []}
    tags = {}
    for tag_id in vc.rest("GET", "/tag") or []:
        tag = vc.rest("GET", f"/tag/id:{tag_id}")
        tags[tag["name"]] = tag_id
    return {
        "vms": {vm.name: vm for vm in vc.objects(vim.VirtualMachine)},
        "port_groups": groups,
        "switches": {s.name: s for s in vc.objects(vim.DistributedVirtualSwitch)},
        "pools": {p.name: p for p in vc.objects(vim.ResourcePool) if p.name != "Resources"},
        "folders": {
            f.name: f
            for f in vc.objects(vim.Folder)
            if "VirtualMachine" in f.childType and not isinstance(f.parent, vim.Datacenter)
        },
        "categories": categories,
        "tags": tags,
    }


def tag_names(vc: Session, obj: Any) -> set[str]:
    return {vc.rest("GET", f"/tag/id:{tag}")["name"] for tag in vc.attached_tags(obj)}


def test_up_creates_every_declared_object(env: dict[str, str], vc: Session, design: Design) -> None:
    code, result, stderr = run("up", "--stack", STACK)
    assert code == 0, stderr
    assert result["changes"]["create"] >= 38
    assert "VMs sit on their segment" in result["network_check"]
    dc = design.datacenter
    assert dc is not None
    found = inventory(vc)
    assert set(found["switches"]) == {s.name for s in dc.distributed_switches}
    assert set(found["pools"]) == {p.name for p in dc.resource_pools}
    assert set(found["categories"]) == {"zone", "bio-classification", "owner", "migration-wave"}
    zones = {design.segment_by_name[g.segment].zone for g in dc.port_groups}
    assert set(found["folders"]) == {dc.vm_folder, *zones}
    for group in dc.port_groups:
        segment = design.segment_by_name[group.segment]
        live = found["port_groups"][port_group_name(segment)]
        assert live.config.defaultPortConfig.vlan.vlanId == segment.vlan
        assert live.config.distributedVirtualSwitch.name == group.switch
        assert tag_names(vc, live) >= {segment.zone}
    assert set(found["vms"]) == {vm.name for vm in dc.workloads}
    for vm in dc.workloads:
        live = found["vms"][vm.name]
        hardware = live.config.hardware
        assert hardware.memoryMB == min(vm.memory_mb, LAB_LIMITS["memory_mb"])
        assert hardware.numCPU == min(vm.cpus, LAB_LIMITS["cpus"])
        nics: list[Any] = [d for d in hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]
        (nic,) = nics
        assert (
            nic.backing.port.portgroupKey
            == found["port_groups"][port_group_name(design.segment_by_name[vm.segment])].key
        )
        assert live.resourcePool.name == vm.resource_pool
        zone = design.segment_by_name[vm.segment].zone
        assert f"{live.parent.parent.name}/{live.parent.name}" == zone_folder(dc.vm_folder, zone)
        assert tag_names(vc, live) == {
            zone,
            vm.owner,
            wave_tag(vm.migration_wave),
            next(z.bio_classification for z in design.security.zones if z.name == zone),
        }


def test_a_second_up_changes_nothing(env: dict[str, str]) -> None:
    code, result, stderr = run("up", "--stack", STACK)
    assert code == 0, stderr
    assert set(result["changes"]) == {"same"}, result["changes"]
    assert result["steps"] == []
    code, result, stderr = run("preview", "--stack", STACK)
    assert code == 0, stderr


def test_refresh_reports_drift_and_up_repairs_it(env: dict[str, str], vc: Session, design: Design) -> None:
    found = inventory(vc)
    vm = found["vms"]["zaaksysteem-01"]
    vc.wait(vm.ReconfigVM_Task(vim.vm.ConfigSpec(memoryMB=1024)), "changing memory behind Pulumi's back")
    vc.rest("DELETE", f"/tag/id:{found['tags']['team-geo']}")

    code, result, stderr = run("refresh", "--stack", STACK)
    assert code == 0, stderr
    changed = {step["name"]: step for step in result["steps"]}
    assert changed["zaaksysteem-01"]["diffs"]["memory"] == [2048, 1024]
    assert "owner-team-geo" in changed
    code, result, stderr = run("up", "--stack", STACK)
    assert code == 0, stderr
    repaired = inventory(vc)
    assert repaired["vms"]["zaaksysteem-01"].config.hardware.memoryMB == 2048
    assert "team-geo" in repaired["tags"]
    assert "team-geo" in tag_names(vc, repaired["vms"]["gis-01"])
    code, _, stderr = run("preview", "--stack", STACK)
    assert code == 0, stderr


def new_segment_design(folder: Path) -> Path:
    return design_copy(
        folder,
        segments=("  - name: dmz\n", NEW_SEGMENT),
        datacenter=(OPSLAG_PORT_GROUP, OPSLAG_PORT_GROUP + "    - {segment: archief, switch: dvs-bedrijf}\n"),
    )


def test_a_new_segment_previews_as_one_new_port_group(env: dict[str, str], tmp_path: Path) -> None:
    code, result, stderr = run("preview", "--stack", STACK, "-i", str(new_segment_design(tmp_path)))
    assert code == 2, stderr
    custom = [step for step in result["steps"] if not step["type"].startswith("fundament:")]
    assert [(s["op"], s["type"].rsplit(":", 1)[-1], s["name"]) for s in custom] == [
        ("create", "DistributedPortGroup", "dpg-0240-archief")
    ]
    # What follows from it: the component that holds the port group, nothing else.
    assert {(s["op"], s["type"]) for s in result["steps"]} - {(s["op"], s["type"]) for s in custom} <= {
        ("create", "fundament:infra:Segment")
    }


def test_bad_input_fails_clearly_and_creates_nothing(
    env: dict[str, str], vc: Session, tmp_path: Path
) -> None:
    before = {kind: set(objects) for kind, objects in inventory(vc).items()}
    changed = str(new_segment_design(tmp_path / "segment"))

    os.environ["PULUMI_CONFIG_PASSPHRASE"] = "not-the-passphrase"
    try:
        code, result, _ = run("up", "--stack", STACK, "-i", changed)
    finally:
        os.environ["PULUMI_CONFIG_PASSPHRASE"] = env["PULUMI_CONFIG_PASSPHRASE"]
    assert code == 1
    assert "passphrase" in result["error"]
    assert "not-the-passphrase" not in result["error"]

    tiny_disk = design_copy(
        tmp_path / "policy", datacenter=("disks: [{size_gb: 60}]", "disks: [{size_gb: 5}]")
    )
    code, result, _ = run("up", "--stack", STACK, "-i", str(tiny_disk))
    assert code == 1
    assert "disk-size-bounds" in result["error"]
    assert "nothing was changed" in result["error"]

    os.environ["FUNDAMENT_INFRA_SIM_DIR"] = str(tmp_path / "no-simulator")
    try:
        code, result, _ = run("up", "--stack", STACK, "-i", changed)
    finally:
        os.environ["FUNDAMENT_INFRA_SIM_DIR"] = env["FUNDAMENT_INFRA_SIM_DIR"]
    assert code == 1
    assert "simulator is not running" in result["error"]

    assert {kind: set(objects) for kind, objects in inventory(vc).items()} == before


def test_destroy_leaves_nothing_of_the_stack(env: dict[str, str], vc: Session, design: Design) -> None:
    code, result, stderr = run("destroy", "--stack", STACK)
    assert code == 0, stderr
    assert result["changes"]["delete"] >= 38
    left = inventory(vc)
    assert {kind: sorted(objects) for kind, objects in left.items() if objects} == {}
    # What the program only reads stays: it was there before the stack.
    dc = design.datacenter
    assert dc is not None
    assert {c.name for c in vc.objects(vim.ClusterComputeResource)} == {c.name for c in dc.clusters}
    assert {d.name for d in vc.objects(vim.Datastore)} == {d.name for d in dc.datastores}
