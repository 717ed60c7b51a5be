"""The example design (inventory/examples/campus): shaped unlike the sample, through check, render and its
own migrations. FUNDAMENT_UPDATE_GOLDEN=1 rewrites its golden configs (review the git diff)."""

import json
import os
from pathlib import Path

import pytest
from nornir.core.inventory import ConnectionOptions, Inventory
from typer.testing import CliRunner

from fundament.app import app
from fundament.exitcodes import ExitCode
from fundament.paths import SAMPLE_DESIGN, migrations_dir
from inventory import load_design
from inventory.migrations import load_migrations
from network import targets
from network.lifecycle.scrub import secret_names
from tests.unit.eos_driver.eapi import EosDevice, RecordedEapi

EXAMPLE = SAMPLE_DESIGN.parent / "examples" / "campus"
GOLDEN = Path(__file__).parent / "golden" / "examples" / "campus"
UPDATE = os.environ.get("FUNDAMENT_UPDATE_GOLDEN") == "1"


def test_example_is_valid_and_shaped_unlike_the_sample() -> None:
    result = CliRunner().invoke(app, ["inventory", "check", "-i", str(EXAMPLE)])
    assert result.exit_code == ExitCode.OK, result.output
    design = load_design(EXAMPLE)
    assert design.datacenter is None
    assert {site.kind.value for site in design.sites} == {"campus"}
    assert design.routing.underlay.protocol == "ospf" and design.routing.overlay is None
    assert [s.vlan for s in design.segments if s.name.startswith("kantoor-")] == [110, 110, 110]
    assert {s.vni for s in design.segments} == {None}


def test_example_brings_its_own_migrations() -> None:
    design = load_design(EXAMPLE)
    folder = migrations_dir(EXAMPLE)
    assert folder == EXAMPLE / "migrations"
    basis, routing = load_migrations(folder, design)
    assert (basis.id, routing.id) == ("0001_basis", "0002_routering_en_segmenten")
    for migration in (basis, routing):
        first, rest = migration.waves
        assert set(first) == {"core-a", "acc-a1", "acc-a2"}
        assert len(rest) == 6


@pytest.mark.parametrize("platform", ["design", "frr"])
def test_example_renders_as_reviewed(platform: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["net", "render", "--platform", platform, "-i", str(EXAMPLE), "-o", str(tmp_path)]
    )
    assert result.exit_code == ExitCode.OK, result.output
    rendered = {str(path.relative_to(tmp_path)): path.read_text() for path in tmp_path.rglob("*.cfg")}
    assert len(rendered) == 9
    if UPDATE:
        for name, text in rendered.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
    golden = {
        str(path.relative_to(GOLDEN)): path.read_text()
        for path in GOLDEN.rglob("*.cfg")
        if path.parent.name == ("eos" if platform == "design" else platform)
    }
    assert rendered == golden


def test_example_wan_circuits_carry_their_own_mtu() -> None:
    config = (GOLDEN / "eos" / "core-a.cfg").read_text()
    wan = config.split("interface Ethernet1\n", 1)[1].split("!", 1)[0]
    assert "mtu 1500" in wan


@pytest.fixture
def recorded_eos(monkeypatch: pytest.MonkeyPatch) -> dict[str, EosDevice]:
    """The example's switches as recorded EOS devices (tests/unit/eos_driver/eapi.py) at a day-0 config,
    reached by `--target production` through NAPALM's real eos driver and pyeapi."""
    design = load_design(EXAMPLE)
    for name in secret_names(design) | {"FUNDAMENT_NET_USERNAME", "FUNDAMENT_NET_PASSWORD"}:
        monkeypatch.setenv(name, f"secret-value-{name.lower()}")
    found = {d.name: EosDevice(str(d.mgmt_ipv4.ip), running=[f"hostname {d.name}"]) for d in design.devices}
    load = targets.DesignInventory.load

    def over_recorded_eapi(self: targets.DesignInventory) -> Inventory:
        inventory = load(self)
        for name, host in inventory.hosts.items():
            args = {"transport": RecordedEapi, "device": found[name]}
            host.connection_options["napalm"] = ConnectionOptions(extras={"optional_args": args})
        return inventory

    monkeypatch.setattr(targets.DesignInventory, "load", over_recorded_eapi)
    return found


def test_example_plans_against_recorded_eos_devices(recorded_eos: dict[str, EosDevice]) -> None:
    result = CliRunner().invoke(
        app, ["net", "plan", "--target", "production", "-i", str(EXAMPLE), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 2, result.output
    diffs = {o["device"]: o["diff"] for o in json.loads(result.stdout)["devices"]}
    assert set(diffs) == set(recorded_eos)
    core = diffs["core-a"]
    for line in ("+router ospf 1", "+ip ospf network point-to-point", "+ip address 10.61.110.1/24"):
        assert f"\n{line}\n" in core, line
    assert "+switchport trunk allowed vlan 110,120\n" in core
    access = diffs["acc-a1"]
    assert "+switchport trunk allowed vlan 110\n" in access and "+switchport access vlan 110\n" in access
    assert "ospf" not in access and "ip routing" not in access, "a layer-2 switch routes nothing"
    assert recorded_eos["core-a"].running == ["hostname core-a"], "plan changes nothing"
    assert all(device.opened == device.closed for device in recorded_eos.values())
