"""The datacenter through the real Pulumi engine against vcsim: up, no-op up, drift, a design change, bad
input, destroy. Every object is read back from the simulator with pyVmomi and the REST tagging API.

The tests share one simulator and one stack state (in a temporary directory of their own, so they run
beside `ci/main.sh`'s simulator) and run in file order: each builds on what the previous one left.
The stack state is the default one, kept in the simulator's state directory, so it goes with it.
"""

import json
import os
import signal
import time
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
    """A simulator of this module's own, with the lab stack's state in it (the default backend); the
    simulator stops when the module ends, and its state, the stack's included, goes with it."""
    root = tmp_path_factory.mktemp("infra")
    values = {
        "FUNDAMENT_STATE_DIR": str(root / "state"),
        "FUNDAMENT_INFRA_SIM_DIR": str(root / "sim"),
        "PULUMI_CONFIG_PASSPHRASE": "infra-lab-test",
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PULUMI_BACKEND_URL", raising=False)
        for key, value in values.items():
            patch.setenv(key, value)
        try:
            started = fundament("infra", "sim", "up", "--json")
            assert started.returncode == 0, started.stderr
            yield values
        finally:
            fundament("infra", "sim", "down")
        assert not sim.status().running
        assert not (root / "sim").exists()
        assert fundament("infra", "sim", "status").returncode == 1


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


def run_with(variable: str, value: str, *args: str) -> tuple[int, dict[str, Any], str]:
    """`run` with one environment variable set otherwise, for that command only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(variable, value)
        return run(*args)


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


def test_outputs_name_what_the_simulator_holds(env: dict[str, str], vc: Session, design: Design) -> None:
    code, result, stderr = run("outputs", "--stack", STACK)
    assert code == 0, stderr
    outputs = result["outputs"]
    found = inventory(vc)
    assert {name: vm["id"] for name, vm in outputs["workloads"].items()} == {
        name: vm._moId for name, vm in found["vms"].items()
    }
    assert {group["name"]: group["id"] for group in outputs["port_groups"].values()} == {
        name: group._moId for name, group in found["port_groups"].items()
    }
    status = fundament("infra", "sim", "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["running"] is True


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


def test_up_checks_the_network_against_what_vcenter_reports(env: dict[str, str], vc: Session) -> None:
    """A port group's VLAN changed behind Pulumi's back: `up` without a refresh leaves it (the state still
    says 210), and the datacenter <-> network check on what vCenter reports stops it, naming the group."""
    group = inventory(vc)["port_groups"]["dpg-0210-server"]
    port = vim.dvs.VmwareDistributedVirtualSwitch.VmwarePortConfigPolicy(
        vlan=vim.dvs.VmwareDistributedVirtualSwitch.VlanIdSpec(inherited=False, vlanId=999)
    )
    spec = vim.dvs.DistributedVirtualPortgroup.ConfigSpec(
        configVersion=group.config.configVersion, defaultPortConfig=port
    )
    vc.wait(group.ReconfigureDVPortgroup_Task(spec), "changing a VLAN behind Pulumi's back")

    code, result, _ = run("up", "--stack", STACK)
    assert code == 1
    assert (
        "port group dpg-0210-server carries VLAN 999 in vCenter, segment server has VLAN 210"
        in json.dumps(result)
    )
    # vcsim may take the partial spec for the whole port configuration (security policy gone): drift too.
    code, result, stderr = run("refresh", "--stack", STACK)
    assert code == 0, (stderr, result)
    changed = {step["name"]: step for step in result["steps"]}
    assert changed["dpg-0210-server"]["diffs"]["vlan_id"] == [210, 999]
    code, result, stderr = run("up", "--stack", STACK)
    assert code == 0, (stderr, result)
    port = inventory(vc)["port_groups"]["dpg-0210-server"].config.defaultPortConfig
    assert port.vlan.vlanId == 210
    assert port.securityPolicy.allowPromiscuous.value is False


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

    code, result, _ = run_with(
        "PULUMI_CONFIG_PASSPHRASE", "not-the-passphrase", "up", "--stack", STACK, "-i", changed
    )
    assert code == 1
    assert "passphrase" in result["error"]
    assert "not-the-passphrase" not in result["error"]

    tiny_disk = design_copy(
        tmp_path / "policy", datacenter=("disks: [{size_gb: 60}]", "disks: [{size_gb: 5}]")
    )
    # preview: the policy pack inside the engine; up: the same rules before the engine starts, as well.
    code, result, _ = run("preview", "--stack", STACK, "-i", str(tiny_disk))
    assert code == 1
    assert "(the policy pack in the engine), nothing was changed: disk-size-bounds: " in result["error"]
    assert "disk disk0 is 5 GB, outside 10..4096 GB" in result["error"]
    code, result, _ = run("up", "--stack", STACK, "-i", str(tiny_disk))
    assert code == 1
    assert "disk-size-bounds" in result["error"]
    assert "nothing was changed" in result["error"]

    no_simulator = str(tmp_path / "no-simulator")
    code, result, _ = run_with("FUNDAMENT_INFRA_SIM_DIR", no_simulator, "up", "--stack", STACK, "-i", changed)
    assert code == 1
    assert "simulator is not running" in result["error"]

    assert {kind: set(objects) for kind, objects in inventory(vc).items()} == before


def test_a_new_simulator_after_a_crash_starts_the_stack_afresh(env: dict[str, str]) -> None:
    """The stack's state named the dead simulator's objects; kept, `up` would find nothing to do."""
    crashed = sim.status()
    assert crashed.running and crashed.pid is not None
    state = Path(env["FUNDAMENT_INFRA_SIM_DIR"]) / "engine" / "state"
    assert any(state.rglob("lab.json")), "the lab stack's state is not in the simulator's directory"
    os.kill(crashed.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while sim.status().running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not sim.status().running

    started = fundament("infra", "sim", "up", "--json")
    assert started.returncode == 0, started.stderr
    code, result, stderr = run("up", "--stack", STACK)
    assert code == 0, stderr
    assert result["changes"]["create"] >= 38
    assert "VMs sit on their segment" in result["network_check"]


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
