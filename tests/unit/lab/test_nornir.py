"""The one Nornir builder (network.targets) for the lab, checked against containerlab's generated file
(recorded from a deploy), and for production."""

import re
from pathlib import Path

import pytest
from nornir.core import Nornir
from nornir.core.inventory import Inventory
from nornir.plugins.runners import ThreadedRunner

from inventory import Design
from network.lab.clab_inventory import LabInventoryError
from network.targets import DesignInventory, Target, nornir_for

RECORDED = Path(__file__).parent / "data" / "nornir-simple-inventory.yml"


def build_inventory(design: Design, clab_inventory: Path) -> Inventory:
    return DesignInventory(design, Target.LAB, clab_inventory).load()


def lab_nornir(design: Design, clab_inventory: Path) -> Nornir:
    return nornir_for(design, Target.LAB, clab_inventory=clab_inventory)


def test_one_host_per_device_at_its_management_address(design: Design) -> None:
    inventory = build_inventory(design, RECORDED)
    assert sorted(inventory.hosts) == sorted(d.name for d in design.devices)
    for device in design.devices:
        host = inventory.hosts[device.name]
        assert host.hostname == str(device.mgmt_ipv4.ip)
        assert host.platform == "frr"
        assert host.data == {"role": device.role.value, "site": device.site}
        assert [group.name for group in host.groups] == [f"role-{device.role.value}", f"site-{device.site}"]
        assert host.get_connection_parameters("netmiko").platform == "linux"


def test_groups_select_by_role_and_site(design: Design) -> None:
    nornir = lab_nornir(design, RECORDED)
    spines = nornir.filter(filter_func=lambda host: host.has_parent_group("role-spine"))
    assert sorted(spines.inventory.hosts) == ["spine1", "spine2"]
    ph = nornir.filter(filter_func=lambda host: host.has_parent_group("site-ph"))
    assert sorted(ph.inventory.hosts) == ["acc1", "acc2", "core1", "core2"]
    assert nornir.inventory.groups["role-spine"].data == {"role": "spine"}
    assert isinstance(nornir.runner, ThreadedRunner) and nornir.runner.num_workers == 20


def test_credentials_come_from_the_environment_with_lab_defaults(
    design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FUNDAMENT_LAB_USER", raising=False)
    monkeypatch.delenv("FUNDAMENT_LAB_PASSWORD", raising=False)
    monkeypatch.delenv("FUNDAMENT_VAULT_FILE", raising=False)
    host = build_inventory(design, RECORDED).hosts["leaf1"]
    assert (host.username, host.password) == ("fundament", "fundament-lab")
    monkeypatch.setenv("FUNDAMENT_LAB_USER", "ops")
    monkeypatch.setenv("FUNDAMENT_LAB_PASSWORD", "s3cret-from-env")
    host = build_inventory(design, RECORDED).hosts["leaf1"]
    assert (host.username, host.password) == ("ops", "s3cret-from-env")


def test_a_device_missing_from_the_lab_is_an_error(design: Design, tmp_path: Path) -> None:
    partial = tmp_path / "nornir-simple-inventory.yml"
    partial.write_text(RECORDED.read_text().replace("spine2:", "spine9:"))
    with pytest.raises(LabInventoryError, match="spine2 is not in the lab"):
        build_inventory(design, partial)


def test_an_address_other_than_the_designs_is_an_error(design: Design, tmp_path: Path) -> None:
    moved = tmp_path / "nornir-simple-inventory.yml"
    moved.write_text(RECORDED.read_text().replace("172.20.20.11", "172.20.20.99"))
    with pytest.raises(
        LabInventoryError, match=re.escape("spine1 runs at 172.20.20.99, the design says 172.20.20.11")
    ):
        build_inventory(design, moved)


def test_no_lab_deployed_says_so(design: Design, tmp_path: Path) -> None:
    with pytest.raises(LabInventoryError, match="fundament lab up"):
        build_inventory(design, tmp_path / "absent.yml")


def test_production_hosts_run_their_designed_platform_with_the_network_login(
    design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDAMENT_NET_USERNAME", "netops")
    monkeypatch.setenv("FUNDAMENT_NET_PASSWORD", "s3cret-production")
    nornir = nornir_for(design, Target.PRODUCTION, ["leaf1", "spine1"], workers=5)
    assert sorted(nornir.inventory.hosts) == ["leaf1", "spine1"]
    host = nornir.inventory.hosts["leaf1"]
    assert (host.hostname, host.platform) == (str(design.device_by_name["leaf1"].mgmt_ipv4.ip), "eos")
    assert (host.username, host.password) == ("netops", "s3cret-production")
    assert host.get_connection_parameters("netmiko").platform == "arista_eos"
    assert [group.name for group in host.groups] == ["role-leaf", "site-dc1"]
    assert isinstance(nornir.runner, ThreadedRunner) and nornir.runner.num_workers == 5
