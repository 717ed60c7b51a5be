"""Per-link MTU: a WAN circuit carries less than the fabric, and the configs say so."""

import shutil
from pathlib import Path

import pytest

from inventory import DesignError, load_design
from inventory.model import Platform
from network.facts import device_facts
from network.render import render_device
from tests.unit.inventory.conftest import SAMPLE

CIRCUIT = "    kind: wan\n    description: WAN-circuit steunpunt Noord\n"


def _design_with(tmp_path: Path, circuit: str) -> Path:
    design = tmp_path / "design"
    shutil.copytree(SAMPLE, design)
    links = design / "links.yaml"
    text = links.read_text(encoding="utf-8")
    assert CIRCUIT in text
    links.write_text(text.replace(CIRCUIT, circuit, 1), encoding="utf-8")
    return design


def test_a_link_mtu_sets_both_ends_and_leaves_other_links_alone(tmp_path: Path) -> None:
    design = load_design(_design_with(tmp_path, CIRCUIT + "    mtu: 1500\n"))
    wan = {i.name: i.mtu for i in device_facts(design, "wan-noord").interfaces}
    border = {i.name: i.mtu for i in device_facts(design, "bl1").interfaces}
    assert (wan["eth1"], border["eth4"]) == (1500, 1500)
    assert (wan["eth2"], border["eth1"]) == (9000, 9214)  # to an access switch (9000), to a spine
    config = render_device(device_facts(design, "wan-noord"), Platform.EOS)
    assert "interface Ethernet1\n" in config
    assert config.split("interface Ethernet1\n", 1)[1].split("!")[0].count("mtu 1500") == 1


def test_without_a_link_mtu_the_smaller_device_mtu_applies() -> None:
    design = load_design()
    acc = {i.name: i.mtu for i in device_facts(design, "acc1").interfaces}
    assert acc["eth1"] == 9000  # access switches: 9000 (roles.access), cores 9214


def test_a_link_mtu_above_a_device_mtu_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DesignError) as caught:
        load_design(_design_with(tmp_path, CIRCUIT + "    mtu: 9216\n"))
    assert [str(p).split("design/")[-1] for p in caught.value.problems] == [
        "links.yaml:27: links[14].mtu: MTU 9216 is more than bl1's MTU 9214",
        "links.yaml:27: links[14].mtu: MTU 9216 is more than wan-noord's MTU 9214",
    ]
